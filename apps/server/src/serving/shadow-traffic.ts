import type { Endpoint } from '@ragops/core';
import type { ChainRequest, ChainResolver } from '@ragops/rag';
import type { RequestOutcome } from './inference-row-builder.ts';
import { failureOf, pinsOf, type ServingRecorder } from './serving-recorder.ts';

type ShadowRequest = Omit<ChainRequest, 'abortSignal'> & {
  requestId: string;
  caller: string;
  messages: NonNullable<ChainRequest['messages']>;
};

/**
 * Shadow traffic: a sampled copy of live requests goes to the endpoint's shadow entity in the
 * background; its answer is logged as a `shadow` row with the live request's id and never returned.
 * It runs under the endpoint timeout but not the client's: it is logged even when the caller left.
 */
export class ShadowTraffic {
  readonly #resolver: ChainResolver;
  readonly #recorder: ServingRecorder;
  readonly #random: () => number;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(resolver: ChainResolver, recorder: ServingRecorder, random: () => number) {
    this.#resolver = resolver;
    this.#recorder = recorder;
    this.#random = random;
  }

  maybeStart(req: ShadowRequest, endpoint: Endpoint, stickyKey: string | undefined): void {
    const shadow = endpoint.config.shadow;
    if (!shadow || this.#random() >= shadow.sampleRate) return;
    const startedAt = new Date();
    const started = performance.now();
    const { requestId, caller, ...chainRequest } = req;
    const run = (async () => {
      const outcome: RequestOutcome = {
        requestId,
        startedAt,
        endpoint: endpoint.name,
        trafficArm: 'shadow',
        servedEntity: shadow.name,
        modelUri: shadow.model,
        stream: false,
        caller,
        stickyKey,
        messages: req.messages,
        latencyTotalMs: 0,
      };
      try {
        const resolved = await this.#resolver.resolveVersion(shadow.model);
        outcome.resolved = pinsOf(resolved);
        const chain = await this.#resolver.chainFor(resolved);
        const abortSignal = AbortSignal.timeout(endpoint.config.timeoutMs);
        outcome.answer = await chain.invoke({ ...chainRequest, abortSignal });
      } catch (error) {
        outcome.error = failureOf(error);
      }
      outcome.latencyTotalMs = performance.now() - started;
      this.#recorder.record(outcome);
    })();
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
  }

  /** Waits for shadow requests in flight (graceful shutdown, before the inference-log flush). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }
}
