// The text of a Plotwright cell around the model's code: the comment header it carries, the
// "generating…" line shown while the answer streams in, and the code alone again for a refinement.

/** How often a streaming answer is written into the cell: each write is a notebook edit (an IPC round trip). */
export const STREAM_EDIT_INTERVAL_MS = 100;

/** The first line of a cell whose code is still arriving; never part of a finished cell. */
export const GENERATING_LINE = '# Generating… Plotwright is writing this code (Cancel in the progress notification stops it)';

/** `source`: the cell as it would read with the code so far; `round` > 0 for a repair. */
export function generatingSource(source: string, round: number): string {
  const marker = round > 0 ? GENERATING_LINE.replace('writing this code', `rewriting this code (repair ${round})`) : GENERATING_LINE;
  return `${marker}\n${source}`;
}

const HEADER_LINE = /^# (Plotwright: |model: .* · library: |refined: |Generating… Plotwright is )/;

/** The code of a Plotwright cell without the comment lines Plotwright put on top of it. */
export function codeWithoutHeader(source: string): string {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let start = 0;
  while (start < lines.length && HEADER_LINE.test(lines[start])) {
    start++;
  }
  return lines.slice(start).join('\n').trim() + '\n';
}
