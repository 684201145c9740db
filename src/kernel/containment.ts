// Linux namespaces around a kernel that runs untrusted code (the benchmark's items). `unshare` starts
// the bridge, and through it the kernel, in new user, network, mount and PID namespaces:
// - network: only a private loopback, so the model endpoint on the host's 127.0.0.1 and the internet
//   are unreachable;
// - mount: the bridge mounts an empty read-only tmpfs over each hidden folder (results, cache);
// - PID: /proc shows only the kernel's own processes, so the parent's /proc/<pid>/environ (with API
//   keys) cannot be read, and killing the bridge ends every process the code started;
// - user: the code runs as root of a namespace without capabilities outside it, so it cannot raise
//   a hard resource limit even when the user running Plotwright is root.
// Where unshare or unprivileged user namespaces are missing (macOS, Windows, hardened kernels), the
// kernel runs without them and `Containment.fallback` says what is missing.
import { spawnSync } from 'node:child_process';
import { platform } from 'node:os';

const UNSHARE_ARGS = ['--user', '--map-root-user', '--net', '--mount', '--pid', '--fork', '--mount-proc', '--kill-child'];

/** unshare's flags; without --net when the kernel keeps the network. */
export function unshareArgs(cutNetwork: boolean): string[] {
  return cutNetwork ? UNSHARE_ARGS : UNSHARE_ARGS.filter((arg) => arg !== '--net');
}

export interface ContainmentRequest {
  /** Folders the code must not see (mounted over with an empty read-only tmpfs). */
  hidePaths: string[];
  /** Keep the network (the CLI's `--setup` code may load data from a URL). Default false: cut off. */
  keepNetwork?: boolean;
  /** Hard limits applied inside the kernel. */
  memoryLimitMb?: number;
  maxProcesses?: number;
  maxFileSizeMb?: number;
}

/** What a contained kernel actually got; written into the run's record. */
export interface Containment {
  namespaces: boolean;
  networkCutOff: boolean;
  hiddenPaths: string[];
  /** Hard limits the code cannot raise (true inside a user namespace; as root outside one it can). */
  limitsHard: boolean;
  /** RLIMIT_NPROC is not enforced by Linux for a process whose real user is root. */
  processLimitEnforced: boolean;
  /** One sentence naming what is not contained, or null. */
  fallback: string | null;
}

let probed: { ok: true } | { ok: false; reason: string } | undefined;

/** Whether `unshare` can create the namespaces here (checked once per process, ~10 ms). */
export function namespacesAvailable(): { ok: true } | { ok: false; reason: string } {
  if (probed) {
    return probed;
  }
  if (platform() !== 'linux') {
    probed = { ok: false, reason: `Linux namespaces are not available on ${platform()}` };
    return probed;
  }
  const result = spawnSync('unshare', [...UNSHARE_ARGS, '--', 'true'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error) {
    probed = { ok: false, reason: `unshare could not run (${result.error.message})` };
  } else if (result.status !== 0) {
    probed = { ok: false, reason: `unshare failed (${(result.stderr || '').trim() || `exit code ${result.status}`}); unprivileged user namespaces may be disabled` };
  } else {
    probed = { ok: true };
  }
  return probed;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The containment a kernel gets here, before it starts (hiddenPaths is confirmed by the bridge). */
export function plannedContainment(request: ContainmentRequest): Containment {
  const available = namespacesAvailable();
  const root = isRoot();
  if (available.ok) {
    return {
      namespaces: true,
      networkCutOff: request.keepNetwork !== true,
      hiddenPaths: [...request.hidePaths],
      limitsHard: true,
      processLimitEnforced: !root,
      fallback: root ? 'running as root, so Linux does not enforce the process-count limit' : null,
    };
  }
  return {
    namespaces: false,
    networkCutOff: false,
    hiddenPaths: [],
    limitsHard: !root,
    processLimitEnforced: false,
    fallback: `${available.reason}: item code can reach the network and read any file your user can (the results and cache folders included)${root ? ', and as root it can raise its own limits' : ''}`,
  };
}
