// Where requests go and with which key, following the openai package's environment conventions.

export type LlmProvider = 'openai' | 'azure';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** The newest GA data-plane version of the classic Azure OpenAI API. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';
/** Local servers (Ollama, vLLM, LM Studio) ignore the key, but the SDK will not send a request without one. */
export const PLACEHOLDER_API_KEY = 'no-key-required';

export interface EndpointFlags {
  baseUrl?: string;
  apiKey?: string;
  /** 'azure' forces the Azure OpenAI client; otherwise Azure is detected from the host. */
  provider?: LlmProvider;
  azureApiVersion?: string;
}

export interface Endpoint {
  /** Without a trailing slash. */
  baseUrl: string;
  /** Undefined when neither a flag nor the environment gives one. */
  apiKey?: string;
  /** Where the key came from, for messages that tell the user what to change. */
  apiKeyVariable: 'OPENAI_API_KEY' | 'AZURE_OPENAI_API_KEY';
  provider?: LlmProvider;
  azureApiVersion?: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Flags (CLI options, settings) win over the environment: OPENAI_BASE_URL, OPENAI_API_KEY, AZURE_OPENAI_*. */
export function resolveEndpoint(env: Env, flags: EndpointFlags = {}): Endpoint {
  const baseUrl = (
    nonEmpty(flags.baseUrl) ??
    nonEmpty(env.OPENAI_BASE_URL) ??
    (flags.provider === 'azure' ? nonEmpty(env.AZURE_OPENAI_ENDPOINT) : undefined) ??
    OPENAI_BASE_URL
  ).replace(/\/+$/, '');
  const azure = flags.provider === 'azure' || isAzureHost(baseUrl);
  // Azure hosts take AZURE_OPENAI_API_KEY (the SDK's convention) and fall back to OPENAI_API_KEY.
  let apiKeyVariable: Endpoint['apiKeyVariable'] = 'OPENAI_API_KEY';
  if (azure && (nonEmpty(env.AZURE_OPENAI_API_KEY) !== undefined || nonEmpty(env.OPENAI_API_KEY) === undefined)) {
    apiKeyVariable = 'AZURE_OPENAI_API_KEY';
  }
  const apiKey = nonEmpty(flags.apiKey) ?? nonEmpty(env[apiKeyVariable]);
  const endpoint: Endpoint = { baseUrl, apiKeyVariable };
  if (apiKey !== undefined) {
    endpoint.apiKey = apiKey;
  }
  if (flags.provider !== undefined) {
    endpoint.provider = flags.provider;
  }
  const apiVersion = nonEmpty(flags.azureApiVersion) ?? nonEmpty(env.OPENAI_API_VERSION);
  if (apiVersion !== undefined) {
    endpoint.azureApiVersion = apiVersion;
  }
  return endpoint;
}

function parseUrl(baseUrl: string): URL | undefined {
  try {
    return new URL(baseUrl);
  } catch {
    return undefined;
  }
}

export function isAzureHost(baseUrl: string): boolean {
  const host = parseUrl(baseUrl)?.hostname.toLowerCase() ?? '';
  return host.endsWith('.openai.azure.com') || host.endsWith('.cognitiveservices.azure.com');
}

export function isOpenAIHost(baseUrl: string): boolean {
  return parseUrl(baseUrl)?.hostname.toLowerCase() === 'api.openai.com';
}

/** Azure's v1 API (`…/openai/v1`) speaks plain OpenAI and needs no api-version. */
function isAzureV1Path(url: URL): boolean {
  return /\/openai\/v1\/?$/i.test(url.pathname);
}

/** Which SDK client to build, and with what URL. */
export type ClientPlan =
  | { kind: 'openai'; baseURL: string }
  | { kind: 'azure'; baseURL: string; apiVersion: string; deployment?: string };

export function chooseClient(endpoint: Pick<Endpoint, 'baseUrl' | 'provider' | 'azureApiVersion'>): ClientPlan {
  const url = parseUrl(endpoint.baseUrl);
  if (!url || isAzureV1Path(url) || !(endpoint.provider === 'azure' || isAzureHost(endpoint.baseUrl))) {
    return { kind: 'openai', baseURL: endpoint.baseUrl };
  }
  // Accept what people paste from the Azure portal: the resource root, …/openai, …/openai/deployments/<name>,
  // even a full …/chat/completions?api-version=… URL.
  const path = url.pathname.replace(/\/+$/, '');
  const openaiAt = path.toLowerCase().indexOf('/openai');
  const prefix = openaiAt >= 0 ? path.slice(0, openaiAt) : path;
  const deployment = /\/openai\/deployments\/([^/]+)/i.exec(path)?.[1];
  const apiVersion = endpoint.azureApiVersion ?? nonEmpty(url.searchParams.get('api-version') ?? undefined) ?? DEFAULT_AZURE_API_VERSION;
  const plan: ClientPlan = { kind: 'azure', baseURL: `${url.origin}${prefix}/openai`, apiVersion };
  if (deployment !== undefined) {
    plan.deployment = decodeURIComponent(deployment);
  }
  return plan;
}

/** The key to send, or undefined when this endpoint cannot work without a real one. */
export function effectiveApiKey(endpoint: Endpoint): string | undefined {
  if (endpoint.apiKey !== undefined) {
    return endpoint.apiKey;
  }
  const needsKey = isOpenAIHost(endpoint.baseUrl) || isAzureHost(endpoint.baseUrl) || chooseClient(endpoint).kind === 'azure';
  return needsKey ? undefined : PLACEHOLDER_API_KEY;
}

/** The URL to show in messages: no credentials, no query. */
export function displayUrl(baseUrl: string): string {
  const url = parseUrl(baseUrl);
  if (!url) {
    return baseUrl;
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
