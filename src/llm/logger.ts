// The logging surface the LLM layer writes to; VS Code's LogOutputChannel and console both fit it.

export interface LlmLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: LlmLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
