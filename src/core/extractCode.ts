// Pulls the Python code out of a model's answer.

export type Extraction =
  | { ok: true; code: string; blocks: number; removedLines: string[] }
  | { ok: false; reason: string };

interface FencedBlock {
  language: string;
  body: string;
}

const PYTHON_LANGUAGES = new Set(['python', 'py', 'python3', 'ipython', 'py3', 'jupyter']);
const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})[ \t]*([\w+-]*)[^\n]*$/;

function fencedBlocks(text: string): FencedBlock[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]);
    if (!open) {
      continue;
    }
    const fence = open[1];
    const body: string[] = [];
    let j = i + 1;
    // A closing fence uses the same character, at least as long; an answer cut off mid-block keeps the rest.
    while (j < lines.length && !new RegExp(`^[ \\t]*${fence[0]}{${fence.length},}[ \\t]*$`).test(lines[j])) {
      body.push(lines[j]);
      j++;
    }
    blocks.push({ language: open[2].toLowerCase(), body: body.join('\n') });
    i = j;
  }
  return blocks;
}

function looksLikeShell(body: string): boolean {
  const first = body.trim().split('\n')[0] ?? '';
  return /^(\$ |%?pip |!pip |conda |apt(-get)? |npm )/.test(first);
}

/** Lines such as `df = pd.read_csv("data.csv")` that would replace the frame the user already has. */
export function removeDataReload(code: string, variable = 'df'): { code: string; removedLines: string[] } {
  const lines = code.split('\n');
  const kept: string[] = [];
  const removedLines: string[] = [];
  const start = new RegExp(`^\\s*${variable}\\s*=\\s*(pd|pandas)\\.read_\\w+\\s*\\(`);
  for (let i = 0; i < lines.length; i++) {
    if (!start.test(lines[i])) {
      kept.push(lines[i]);
      continue;
    }
    // The call may continue over several lines: drop until its parentheses balance.
    let depth = 0;
    let j = i;
    for (; j < lines.length; j++) {
      for (const ch of lines[j]) {
        depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
      }
      if (depth <= 0) {
        break;
      }
    }
    removedLines.push(...lines.slice(i, j + 1));
    i = j;
  }
  return { code: kept.join('\n'), removedLines };
}

export function extractCode(answer: string, variable = 'df'): Extraction {
  const blocks = fencedBlocks(answer).filter((b) => b.body.trim() !== '' && !looksLikeShell(b.body));
  const python = blocks.filter((b) => PYTHON_LANGUAGES.has(b.language));
  const chosen = python.length > 0 ? python : blocks.filter((b) => b.language === '');
  let code: string;
  if (chosen.length > 0) {
    code = chosen.map((b) => b.body.trimEnd()).join('\n\n');
  } else if (blocks.length === 0 && /^\s*(import |from \w[\w.]* import |#)/.test(answer)) {
    // Some local models answer with bare code and no fence at all.
    code = answer.trim();
  } else {
    const shown = answer.trim().slice(0, 200);
    return {
      ok: false,
      reason: shown
        ? `The model returned no code. Its answer began: "${shown}${answer.trim().length > 200 ? '…' : ''}"`
        : 'The model returned an empty answer.',
    };
  }
  const cleaned = removeDataReload(code, variable);
  if (cleaned.code.trim() === '') {
    return { ok: false, reason: 'The model returned no code besides reloading the data.' };
  }
  return { ok: true, code: cleaned.code.trim() + '\n', blocks: chosen.length, removedLines: cleaned.removedLines };
}
