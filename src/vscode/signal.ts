// The core takes AbortSignals; VS Code hands out CancellationTokens. No vscode import: the flow's unit tests use it.
import { CancelledError } from './apiKernel.js';

export interface CancellationTokenSignalSource {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): unknown;
}

export function signalFrom(token: CancellationTokenSignalSource): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) {
    controller.abort(new CancelledError());
  }
  token.onCancellationRequested(() => controller.abort(new CancelledError()));
  return controller.signal;
}
