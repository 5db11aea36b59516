import { ProviderCallError } from '@ragops/core';
import { Attempt, type AttemptFailure, backoffMs, classify, describeFailure, exhausted, sleep } from './call-policy.ts';
import { type GenerateOptions, type GenerateOutput, split } from './generate.ts';
import type { LanguageModel, StreamPart } from './language-model.ts';
import { costOf } from './price-table.ts';
import { resolveUsage } from './usage.ts';

export type StreamEvent = { type: 'text-delta'; delta: string } | ({ type: 'finish' } & GenerateOutput);

/**
 * Streams a language model's answer: text deltas, then one `finish` event with usage (counted
 * server-side when the provider reports none) and cost. Retries and fallbacks happen until the
 * first part arrives; once text has been emitted a broken stream throws ProviderCallError (the
 * text cannot be taken back). Breaking out of the loop (client went away) cancels the provider call.
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
    for (let retry = 0; ; retry++) {
      const attempt = new Attempt({
        caller: options.abortSignal,
        timeoutMs: policy.timeoutMs,
        provider: model.provider,
      });
      let committed = false;
      let text = '';
      try {
        const started = await model.doStream({ ...request, abortSignal: attempt.signal });
        const parts = started.stream[Symbol.asyncIterator]();
        for (;;) {
          attempt.restartTimer();
          const next: IteratorResult<StreamPart> = await parts.next();
          if (next.done) {
            throw new ProviderCallError({ provider: model.provider, message: 'stream ended without a finish part' });
          }
          committed = true;
          const part = next.value;
          if (part.type === 'text-delta') {
            text += part.delta;
            yield part;
            continue;
          }
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
      } catch (raw) {
        const error = attempt.translate(raw);
        const action = classify(error);
        if (committed || action === 'throw') throw error;
        failures.push(describeFailure(model.provider, model.modelId, error));
        last = error;
        if (action === 'fallback' || retry >= policy.maxRetries) break;
        await sleep(backoffMs(policy, retry), options.abortSignal);
      } finally {
        attempt.dispose();
      }
    }
  }
  throw exhausted(models.length, last);
}
