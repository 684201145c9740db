// Which key the benchmark's judge gets. The generator's key belongs to the generator's endpoint: it
// goes to the judge only when the judge is that same origin (scheme, host and port). A judge
// elsewhere gets its own key, or none.
import { resolveEndpoint, type Env } from './endpoint.js';

export interface EndpointKey {
  /** Empty or undefined: the default (OPENAI_BASE_URL, then OpenAI). */
  baseUrl?: string;
  apiKey?: string;
}

function origin(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin.toLowerCase();
  } catch {
    return baseUrl;
  }
}

/** True when both base URLs reach the same server (an empty judge URL means the generator's). */
export function judgeSharesGeneratorOrigin(generatorBaseUrl: string | undefined, judgeBaseUrl: string | undefined, env: Env = {}): boolean {
  const generator = resolveEndpoint(env, { baseUrl: generatorBaseUrl }).baseUrl;
  const judge = judgeBaseUrl?.trim() ? resolveEndpoint(env, { baseUrl: judgeBaseUrl }).baseUrl : generator;
  return origin(generator) === origin(judge);
}

/**
 * The judge's base URL and key: on the generator's origin the judge key if given, else the
 * generator's; elsewhere only the judge key (undefined when none was given).
 */
export function judgeEndpoint(generator: EndpointKey, judge: EndpointKey, env: Env = {}): { baseUrl?: string; apiKey?: string; sameOrigin: boolean } {
  const sameOrigin = judgeSharesGeneratorOrigin(generator.baseUrl, judge.baseUrl, env);
  const baseUrl = judge.baseUrl?.trim() || generator.baseUrl?.trim() || undefined;
  const apiKey = judge.apiKey?.trim() || (sameOrigin ? generator.apiKey?.trim() : undefined) || undefined;
  return { ...(baseUrl ? { baseUrl } : {}), ...(apiKey ? { apiKey } : {}), sameOrigin };
}
