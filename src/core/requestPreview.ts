// "Show me what will be sent": a ChatModel wrapper that hands every request, exactly as it goes to
// the model (messages, model, options), to a confirmation step before sending it. The policy asks on
// the first request per notebook, on every request, or never; a declined request is a silent
// cancellation.
import type { ChatMessage, ChatModel, ChatOptions, ChatResponse } from '../llm/chatModel.js';

export type PreviewPolicy = 'firstPerNotebook' | 'always' | 'never';

export interface PendingRequest {
  model: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens?: number;
}

/** The request as it will be sent, as readable JSON (the body's model, messages and options). */
export function requestText(request: PendingRequest): string {
  const body = {
    model: request.model,
    temperature: request.temperature,
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    messages: request.messages,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** Thrown when the user chose not to send; named like an abort so it stays silent. */
export class RequestNotSentError extends Error {
  constructor() {
    super('The request was not sent.');
    this.name = 'AbortError';
  }
}

export class PreviewingChatModel implements ChatModel {
  constructor(
    private readonly inner: ChatModel,
    private readonly confirm: (request: PendingRequest) => Promise<boolean>,
  ) {}

  get model(): string {
    return this.inner.model;
  }

  get defaults(): ChatModel['defaults'] {
    return this.inner.defaults;
  }

  async complete(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResponse> {
    const maxTokens = options.maxTokens ?? this.inner.defaults?.maxTokens;
    const request: PendingRequest = {
      model: this.inner.model,
      messages,
      temperature: options.temperature ?? this.inner.defaults?.temperature ?? 0,
      ...(maxTokens !== undefined ? { maxTokens } : {}),
    };
    if (!(await this.confirm(request))) {
      throw new RequestNotSentError();
    }
    return this.inner.complete(messages, options);
  }
}

/**
 * Remembers which notebooks already had a request confirmed. `ask(request, open)` shows the
 * question (with a button that opens the request); `open` true opens the request right away.
 */
export class RequestPreviews {
  private readonly confirmed = new Set<string>();

  constructor(private readonly ask: (request: PendingRequest, open: boolean) => Promise<boolean>) {}

  /** `model` wrapped so its requests for `notebook` follow `policy`. */
  wrap(model: ChatModel, notebook: string, policy: PreviewPolicy): ChatModel {
    if (policy === 'never') {
      return model;
    }
    return new PreviewingChatModel(model, async (request) => {
      if (policy === 'firstPerNotebook' && this.confirmed.has(notebook)) {
        return true;
      }
      const send = await this.ask(request, policy === 'always');
      if (send) {
        this.confirmed.add(notebook);
      }
      return send;
    });
  }
}
