// The code so far in a model's answer that is still streaming: the body of the first Python (or
// unlabelled) fence, whether or not its closing fence has arrived yet.

const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})[ \t]*([\w+-]*)[^\n]*$/;
const PYTHON_LANGUAGES = new Set(['python', 'py', 'python3', 'ipython', 'py3', 'jupyter', '']);

/**
 * undefined while no code fence has opened (the model is still writing prose). A last line that could
 * be the start of the closing fence (a few backticks) is held back, so it never flashes into the cell.
 */
export function codeSoFar(partialAnswer: string): string | undefined {
  const text = partialAnswer.replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  // The last line may still grow: an opening fence counts only once its line is complete.
  const complete = lines.slice(0, -1);
  const tail = lines[lines.length - 1];
  for (let i = 0; i < complete.length; i++) {
    const open = FENCE_OPEN.exec(complete[i]);
    if (!open) {
      continue;
    }
    const fence = open[1];
    const closing = new RegExp(`^[ \\t]*${fence[0]}{${fence.length},}[ \\t]*$`);
    let j = i + 1;
    const body: string[] = [];
    while (j < complete.length && !closing.test(complete[j])) {
      body.push(complete[j]);
      j++;
    }
    const closed = j < complete.length;
    if (!PYTHON_LANGUAGES.has(open[2].toLowerCase())) {
      i = j;
      continue;
    }
    if (!closed && tail !== '' && !couldBeFence(tail, fence[0])) {
      body.push(tail);
    }
    const code = body.join('\n');
    if (closed && code.trim() === '') {
      i = j;
      continue;
    }
    return code;
  }
  return undefined;
}

function couldBeFence(line: string, fenceChar: string): boolean {
  return new RegExp(`^[ \\t]*\\${fenceChar}*$`).test(line);
}
