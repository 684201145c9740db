// The benchmark judge's key in VS Code: the generator's stored key only for a judge on the same
// origin; a judge elsewhere gets its own key from secret storage, asked for once.
import type { EndpointKey } from '../llm/judgeEndpoint.js';
import { judgeEndpoint } from '../llm/judgeEndpoint.js';

export const JUDGE_API_KEY_SECRET = 'plotwright.judgeApiKey';

/** The part of vscode.SecretStorage used here. */
export interface SecretStore {
  get(key: string): Thenable<string | undefined>;
  store(key: string, value: string): Thenable<void>;
}

/**
 * The judge's base URL and key. For a judge on another origin without a stored judge key, `askKey`
 * is called (an input box); its answer is stored; '' means the judge needs no key; undefined cancels.
 */
export async function judgeConnection(
  secrets: SecretStore,
  generator: EndpointKey,
  judgeBaseUrl: string,
  askKey: (judgeBaseUrl: string) => Promise<string | undefined>,
): Promise<{ baseUrl?: string; apiKey?: string; sameOrigin: boolean } | undefined> {
  let judgeKey = (await secrets.get(JUDGE_API_KEY_SECRET))?.trim() || undefined;
  const planned = judgeEndpoint(generator, { baseUrl: judgeBaseUrl, apiKey: judgeKey });
  if (planned.sameOrigin || judgeKey !== undefined) {
    return planned;
  }
  const typed = await askKey(judgeBaseUrl);
  if (typed === undefined) {
    return undefined;
  }
  judgeKey = typed.trim() || undefined;
  if (judgeKey) {
    await secrets.store(JUDGE_API_KEY_SECRET, judgeKey);
  }
  return judgeEndpoint(generator, { baseUrl: judgeBaseUrl, apiKey: judgeKey });
}
