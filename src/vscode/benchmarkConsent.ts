// The benchmark runs one program per item that a model wrote, many in a row and unattended, so the
// palette asks once per workspace for an explicit yes (kept in workspaceState; a repository's
// files cannot set it). No vscode runtime import: the unit test passes a fake memento and question.

/** The part of vscode.Memento used here. */
export interface ConsentMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export const BENCHMARK_CONSENT_KEY = 'plotwright.benchmarkConsent';
export const BENCHMARK_CONSENT_YES = 'Yes, run the generated programs';

export interface ConsentChoice {
  label: string;
  detail: string;
  yes: boolean;
}

export const BENCHMARK_CONSENT_PLACEHOLDER =
  'PandasPlotBench runs many programs a model writes, one per item, on this machine. Allow it in this workspace?';

export const BENCHMARK_CONSENT_CHOICES: readonly ConsentChoice[] = [
  {
    label: BENCHMARK_CONSENT_YES,
    detail:
      'Each runs in a Python kernel in a temporary folder, without API keys in its environment; on Linux also without network and without sight of the results and cache folders. Asked once per workspace.',
    yes: true,
  },
  { label: "No, don't run anything", detail: 'Nothing is run or sent.', yes: false },
];

/** True once the user said yes in this workspace; asks (with `ask`, a quick pick) until then. */
export async function benchmarkConsent(state: ConsentMemento, ask: (choices: readonly ConsentChoice[], placeHolder: string) => Promise<ConsentChoice | undefined>): Promise<boolean> {
  if (state.get<boolean>(BENCHMARK_CONSENT_KEY) === true) {
    return true;
  }
  const choice = await ask(BENCHMARK_CONSENT_CHOICES, BENCHMARK_CONSENT_PLACEHOLDER);
  if (choice?.yes !== true) {
    return false;
  }
  await state.update(BENCHMARK_CONSENT_KEY, true);
  return true;
}
