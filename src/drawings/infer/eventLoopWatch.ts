// How responsive a thread stays while work runs: a timer ticks every `periodMs`, and the worst delay
// past its period is how long the thread's event loop was blocked.

export interface EventLoopWatch {
  /** The longest a tick came late so far, in ms (0 when none did). */
  maxLateMs(): number;
  stop(): void;
}

export function watchEventLoop(periodMs: number): EventLoopWatch {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - periodMs);
    last = now;
  }, periodMs);
  return { maxLateMs: () => worst, stop: () => clearInterval(timer) };
}
