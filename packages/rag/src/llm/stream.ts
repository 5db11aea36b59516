import { ProviderCallError } from '@ragops/core';
import { withRetries } from '../retry/with-retries.ts';
import { Attempt, type AttemptFailure, classify, describeFailure, exhausted } from './call-policy.ts';
import { type GenerateOptions, type GenerateOutput, split } from './generate.ts';
import type { GenerateRequest, LanguageModel, StreamPart, StreamResult } from './language-model.ts';
import { costOf } from './price-table.ts';
import { resolveUsage } from './usage.ts';

export type StreamEvent = { type: 'text-delta'; delta: string } | ({ type: 'finish' } & GenerateOutput);

/** A stream that has delivered its first part: from here on nothing is retried. */
type OpenedStream = {
  attempt: Attempt;
  started: StreamResult;
  parts: AsyncIterator<StreamPart>;
  first: StreamPart;
};

/**
 * Streams a language model's answer: text deltas, then one `finish` event with usage (counted
 * server-side when the provider reports none) and cost. Retries (`withRetries`, honouring
 * Retry-After) and fallbacks happen until the first part arrives; once text has been emitted a
 * broken stream throws ProviderCallError (the text cannot be taken back). Breaking out of the loop
 * (client went away) cancels the provider call.
 * @example
 * for await (const event of stream({ model, messages, abortSignal })) {
 *   if (event.type === 'text-delta') write(event.delta);
 * }
 */
export async function* stream(options: GenerateOptions): AsyncGenerator<StreamEvent> {
  const models = Array.isArray(options.model) ? options.model : [options.model as LanguageModel];
  const { request, policy } = split(options);
  const failures: AttemptFailure[] = [];
  let last: unknown;
  for (const model of models) {
    let opened: OpenedStream;
    try {
      opened = await withRetries(() => openStream(model, request, policy.timeoutMs, options.abortSignal), {
        policy,
        abortSignal: options.abortSignal,
        onFailure: (error) => {
          if (classify(error) !== 'throw') failures.push(describeFailure(model.provider, model.modelId, error));
        },
      });
    } catch (error) {
      if (options.abortSignal?.aborted || classify(error) === 'throw') throw error;
      last = error;
      continue;
    }
    const { attempt, started, parts } = opened;
    let text = '';
    try {
      for (let part = opened.first; ; ) {
        if (part.type === 'text-delta') {
          text += part.delta;
          yield part;
        } else {
          const usage = resolveUsage(part.usage, request.messages, text);
          yield {
            type: 'finish',
            text,
            finishReason: part.finishReason,
            usage,
            costUsd: costOf({ prices: options.prices, provider: model.provider, modelId: model.modelId, ...usage }),
            provider: model.provider,
            modelId: model.modelId,
            warnings: started.warnings,
            failures,
          };
          return;
        }
        part = await nextPart(attempt, parts, model.provider);
      }
    } catch (raw) {
      throw attempt.translate(raw);
    } finally {
      attempt.dispose();
    }
  }
  throw exhausted(models.length, last);
}

/** One attempt: start the stream and wait for its first part (the last moment a retry is safe). */
async function openStream(
  model: LanguageModel,
  request: GenerateRequest,
  timeoutMs: number,
  abortSignal: AbortSignal | undefined,
): Promise<OpenedStream> {
  const attempt = new Attempt({ caller: abortSignal, timeoutMs, provider: model.provider });
  try {
    const started = await model.doStream({ ...request, abortSignal: attempt.signal });
    const parts = started.stream[Symbol.asyncIterator]();
    return { attempt, started, parts, first: await nextPart(attempt, parts, model.provider) };
  } catch (raw) {
    const error = attempt.translate(raw);
    attempt.dispose();
    throw error;
  }
}

async function nextPart(attempt: Attempt, parts: AsyncIterator<StreamPart>, provider: string): Promise<StreamPart> {
  attempt.restartTimer();
  const next = await parts.next();
  if (next.done) throw new ProviderCallError({ provider, message: 'stream ended without a finish part' });
  return next.value;
}
