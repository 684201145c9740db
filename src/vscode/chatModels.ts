// Where the extension's plotting code comes from: an OpenAI-compatible endpoint with the key from
// SecretStorage (or the environment), or a language model VS Code provides (Copilot and others).
import * as vscode from 'vscode';
import type { ChatMessage, ChatModel, ChatOptions, ChatResponse } from '../llm/chatModel.js';
import { LlmError } from '../llm/errors.js';
import type { LlmLogger } from '../llm/logger.js';
import { createChatModel, listModels } from '../llm/openaiClient.js';
import type { PlotwrightSettings } from './settings.js';

export const API_KEY_SECRET = 'plotwright.apiKey';

function textOf(message: ChatMessage): string {
  return typeof message.content === 'string'
    ? message.content
    : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** vscode.lm has no system role: the system prompt goes first, as a user message. */
export class VsCodeLanguageModel implements ChatModel {
  constructor(private readonly selector: vscode.LanguageModelChatSelector) {}

  get model(): string {
    return this.selector.id ?? this.selector.family ?? 'vscode-lm';
  }

  async complete(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResponse> {
    const [model] = await vscode.lm.selectChatModels(this.selector);
    if (!model) {
      throw new LlmError('model-not-found', `No VS Code language model matches '${this.model}'. Run "Plotwright: Select Model".`);
    }
    const started = Date.now();
    const source = new vscode.CancellationTokenSource();
    const onAbort = () => source.cancel();
    options.signal?.addEventListener('abort', onAbort);
    try {
      const lmMessages = messages.map((m) =>
        m.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(textOf(m)) : vscode.LanguageModelChatMessage.User(textOf(m)),
      );
      const response = await model.sendRequest(lmMessages, { justification: 'Plotwright writes plotting code for your DataFrame.' }, source.token);
      let text = '';
      for await (const chunk of response.text) {
        text += chunk;
        if (chunk && !options.signal?.aborted) {
          options.onText?.(text);
        }
      }
      const promptTokens = (await Promise.all(lmMessages.map((m) => model.countTokens(m)))).reduce((a, b) => a + b, 0);
      return {
        text,
        usage: { promptTokens, completionTokens: await model.countTokens(text) },
        model: model.id,
        latencyMs: Date.now() - started,
        retries: 0,
      };
    } catch (error) {
      if (options.signal?.aborted || error instanceof vscode.CancellationError) {
        throw new LlmError('cancelled', 'Cancelled.');
      }
      if (error instanceof vscode.LanguageModelError) {
        throw new LlmError(error.code === 'NoPermissions' ? 'auth' : 'server', `${model.name}: ${error.message}`);
      }
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      source.dispose();
    }
  }
}

export async function chatModelFromSettings(
  settings: PlotwrightSettings,
  secrets: vscode.SecretStorage,
  logger: LlmLogger,
): Promise<ChatModel> {
  if (settings.provider === 'vscode-lm') {
    return new VsCodeLanguageModel(settings.model ? { id: settings.model } : {});
  }
  return createChatModel({
    model: settings.model,
    baseUrl: settings.baseUrl || undefined,
    apiKey: (await secrets.get(API_KEY_SECRET)) || undefined,
    timeoutMs: settings.requestTimeoutSeconds * 1000,
    logger,
  });
}

export interface ModelChoice {
  provider: PlotwrightSettings['provider'];
  id: string;
  detail: string;
}

/** The endpoint's models and VS Code's language models, for "Select Model". */
export async function availableModels(settings: PlotwrightSettings, secrets: vscode.SecretStorage, logger: LlmLogger): Promise<{ choices: ModelChoice[]; endpointError?: string }> {
  const choices: ModelChoice[] = [];
  let endpointError: string | undefined;
  try {
    const ids = await listModels({ baseUrl: settings.baseUrl || undefined, apiKey: (await secrets.get(API_KEY_SECRET)) || undefined, logger, timeoutMs: 15_000, maxRetries: 1 });
    choices.push(...ids.map((id) => ({ provider: 'openai-compatible' as const, id, detail: settings.baseUrl || 'OpenAI-compatible endpoint' })));
  } catch (error) {
    endpointError = error instanceof Error ? error.message : String(error);
  }
  for (const model of await vscode.lm.selectChatModels({})) {
    choices.push({ provider: 'vscode-lm', id: model.id, detail: `${model.vendor} · ${model.name}` });
  }
  return { choices, endpointError };
}
