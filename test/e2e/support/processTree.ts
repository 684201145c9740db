// Kills a process and everything it started. Children are found through /proc, not the process
// group: Jupyter starts each kernel in a session of its own, so a group kill would miss it.
import { readdirSync, readFileSync } from 'node:fs';

/** Every live descendant of pid (children first found, deepest last). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const parent = parentOf(Number(entry));
    if (parent !== undefined) {
      const list = children.get(parent) ?? [];
      list.push(Number(entry));
      children.set(parent, list);
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function parentOf(pid: number): number | undefined {
  try {
    // The command name (2nd field) may hold spaces and parentheses; fields after the last ')' are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined; // gone already
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** SIGTERM the tree, wait up to graceMs, then SIGKILL whatever is left. Resolves when all are gone. */
export async function killTree(pid: number, graceMs = 3_000): Promise<void> {
  const tree = [pid, ...descendants(pid)];
  signalAll(tree, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    // Processes started while we waited belong to the tree as well.
    for (const late of tree.flatMap((p) => (isAlive(p) ? descendants(p) : []))) {
      if (!tree.includes(late)) {
        tree.push(late);
        signalAll([late], 'SIGTERM');
      }
    }
    if (!tree.some(isAlive)) {
      return;
    }
    await sleep(100);
  }
  signalAll(tree, 'SIGKILL');
  const hardDeadline = Date.now() + 2_000;
  while (tree.some(isAlive) && Date.now() < hardDeadline) {
    await sleep(50);
  }
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const guarded = new Set<number>();
let hooksInstalled = false;

/**
 * Kills pid's tree if this process ends without close() having run (a crash, a test-runner
 * timeout, Ctrl+C). Only synchronous work is possible then, so it is SIGKILL straight away.
 */
export function killTreeOnExit(pid: number): () => void {
  guarded.add(pid);
  if (!hooksInstalled) {
    hooksInstalled = true;
    const killAll = (): void => {
      for (const root of guarded) {
        signalAll([root, ...descendants(root)], 'SIGKILL');
      }
      guarded.clear();
    };
    process.on('exit', killAll);
    // A listener cancels Node's default of exiting on these signals, so exit ourselves.
    const signals = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
    for (const [signal, number] of Object.entries(signals)) {
      process.once(signal, () => {
        killAll();
        process.exit(128 + number);
      });
    }
  }
  return () => guarded.delete(pid);
}
