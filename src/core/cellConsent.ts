// Consent to run generated code, one question per cell: a "Run" covers that cell and its repairs,
// never a cell that has not been generated yet (Compare Libraries inserts one cell per library).

export type RunConsentSetting = 'ask' | 'always' | 'never';

export class CellConsent<Cell> {
  private readonly allowed = new Set<Cell>();

  constructor(
    private readonly setting: RunConsentSetting,
    private readonly ask: (cell: Cell) => Promise<boolean>,
  ) {}

  async mayRun(cell: Cell): Promise<boolean> {
    if (this.setting === 'always' || this.allowed.has(cell)) {
      return true;
    }
    if (this.setting === 'never' || !(await this.ask(cell))) {
      return false;
    }
    this.allowed.add(cell);
    return true;
  }
}
