import type { Endpoint, MetadataStore, Principal } from '@ragops/core';
import {
  type Chain,
  type ChainAnswer,
  type ChainHost,
  type ChainResolver,
  type ChainStreamEvent,
  type ChainVersion,
  type ChatMessage,
  createChainHost,
  Deadline,
  type LanguageModel,
} from '@ragops/rag';
import type { ServerLogger } from '../logger.ts';
import { EndpointAccess } from './endpoint-access.ts';
import { InferenceLog } from './inference-log.ts';
import { type InferenceWriterThread, inferenceWriterFor } from './inference-writer-thread.ts';
import { ClientClosedError, ServingTimeoutError } from './openai-error.ts';
import type { ServingConfig } from './serving-config.ts';
import type { ServingMetrics } from './serving-metrics.ts';
import { failureOf, pinsOf, ServingRecorder } from './serving-recorder.ts';
import { ShadowTraffic } from './shadow-traffic.ts';
import { type ArmChoice, pickArm } from './traffic-split.ts';

export type ServeRequest = {
  requestId: string;
  endpointName: string;
  principal: Principal;
  messages: ChatMessage[];
  header: (name: string) => string | undefined;
  user?: string;
  temperature?: number;
  maxOutputTokens?: number;
  /** Aborts when the client disconnects. */
  clientSignal: AbortSignal;
};

/** Where a request went: endpoint, arm, and the version its URI resolved to. */
export type ServedMeta = { endpoint: string; arm: ArmChoice; modelUri: string; resolved: ChainVersion };

type Prepared = ServedMeta & {
  chain: Chain;
  stickyKey: string | undefined;
  signal: AbortSignal;
  /** The endpoint timeout and the client's disconnect; disposed when the request ends. */
  deadline: Deadline;
  started: number;
  startedAt: Date;
};

/**
 * The serving path shared by the OpenAI-compatible and native routes: admission (endpoint, EXECUTE,
 * rate limit), traffic split, alias → version (re-read at most every `aliasStalenessMs`), cached
 * loaded chains, the endpoint timeout, client disconnects, shadow traffic, and one inference row per
 * request (live or shadow), success or failure.
 */
export class ServingRuntime {
  readonly inferenceLog: InferenceLog;
  /** How a model URI becomes an answer (shared with eval runs and batch work). */
  readonly host: ChainHost;
  readonly resolver: ChainResolver;
  readonly access: EndpointAccess;
  readonly #recorder: ServingRecorder;
  readonly #random: () => number;
  readonly #shadow: ShadowTraffic;
  readonly #writerThread: InferenceWriterThread | undefined;

  constructor(deps: {
    store: MetadataStore;
    home: string;
    config: ServingConfig;
    logger: ServerLogger;
    metrics: ServingMetrics;
    random?: () => number;
    fetch?: typeof fetch;
    customProviders?: Record<string, (modelId: string) => LanguageModel>;
    /** Write inference rows from a worker thread when the store is SQLite (default true). */
    inferenceWriterThread?: boolean;
    /** Server processes sharing the port (RAGOPS_WORKERS): each enforces 1/workers of a rateLimit. */
    workers?: number;
  }) {
    this.#random = deps.random ?? Math.random;
    // Serving reads the registry as itself (not as the caller, whose EXECUTE is checked at admission).
    this.host = createChainHost({
      store: deps.store,
      home: deps.home,
      providers: deps.config.providers,
      prices: deps.config.prices,
      aliasStalenessMs: deps.config.aliasStalenessMs,
      actorName: 'system:serving',
      ...(deps.fetch && { fetch: deps.fetch }),
      ...(deps.customProviders && { customProviders: deps.customProviders }),
    });
    this.resolver = this.host.resolver;
    this.access = new EndpointAccess(deps.store, deps.config.aliasStalenessMs, { workers: deps.workers ?? 1 });
    this.#writerThread = deps.inferenceWriterThread === false ? undefined : inferenceWriterFor(deps.store, deps.logger);
    const writer = this.#writerThread;
    this.inferenceLog = new InferenceLog({
      store: deps.store,
      logger: deps.logger,
      ...deps.config.inference,
      ...(writer && { write: (rows) => writer.write(rows) }),
      onDrop: (n) => deps.metrics.rowsDropped.inc(n),
      onWritten: (n) => deps.metrics.rowsWritten.inc(n),
    });
    this.#recorder = new ServingRecorder({
      config: deps.config.inference,
      metrics: deps.metrics,
      log: this.inferenceLog,
      logger: deps.logger,
      random: this.#random,
    });
    this.#shadow = new ShadowTraffic(this.resolver, this.#recorder, this.#random);
  }

  /** Answers a request (non-streaming). Records the inference row either way. */
  async invoke(req: ServeRequest): Promise<ServedMeta & { answer: ChainAnswer }> {
    const startedAt = new Date();
    const started = performance.now();
    let p: Prepared | undefined;
    try {
      p = await this.#prepare(req, started, startedAt);
      const answer = await p.chain.invoke({ ...chainRequest(req), abortSignal: p.signal });
      this.#recorder.record({ ...base(req, p), answer, latencyTotalMs: performance.now() - started, stream: false });
      return { ...p, answer };
    } catch (raw) {
      const error = p ? translateAbort(raw, p) : raw;
      this.#recordError(req, p, error, { startedAt, started, stream: false });
      throw error;
    } finally {
      p?.deadline.dispose();
    }
  }

  /**
   * Starts a streamed answer. Resolves once the first text (or the whole answer) is ready, so that
   * failures before any output still get a proper HTTP error; then `events` yields the rest.
   */
  async stream(req: ServeRequest): Promise<ServedMeta & { events: AsyncGenerator<ChainStreamEvent> }> {
    const startedAt = new Date();
    const started = performance.now();
    let p: Prepared | undefined;
    try {
      p = await this.#prepare(req, started, startedAt);
      const source = p.chain.stream({ ...chainRequest(req), abortSignal: p.signal });
      const buffered: ChainStreamEvent[] = [];
      for (;;) {
        const next = await source.next();
        if (next.done) break;
        buffered.push(next.value);
        if (next.value.type !== 'retrieved') break;
      }
      return { ...p, events: this.#relay(req, p, buffered, source) };
    } catch (raw) {
      const error = p ? translateAbort(raw, p) : raw;
      p?.deadline.dispose();
      this.#recordError(req, p, error, { startedAt, started, stream: true });
      throw error;
    }
  }

  /** Records a request rejected before serving started (bad body, no token). */
  recordRejected(input: {
    requestId: string;
    endpoint: string;
    caller?: string;
    error: unknown;
    stream: boolean;
  }): void {
    this.#recorder.record({
      requestId: input.requestId,
      startedAt: new Date(),
      endpoint: input.endpoint,
      trafficArm: 'live',
      error: failureOf(input.error),
      stream: input.stream,
      caller: input.caller,
      latencyTotalMs: 0,
    });
  }

  /** Endpoint names the principal may call (EXECUTE on every model they serve). */
  usableEndpoints(principal: Principal): Promise<Endpoint[]> {
    return this.access.usable(principal);
  }

  /** Waits for shadow requests in flight, then writes every queued inference row. */
  async close(): Promise<void> {
    await this.#shadow.drain();
    await this.inferenceLog.close();
    await this.#writerThread?.close();
  }

  async #prepare(req: ServeRequest, started: number, startedAt: Date): Promise<Prepared> {
    const endpoint = await this.access.admit(req.endpointName, req.principal);
    const sticky = endpoint.config.sticky;
    const stickyKey = req.header(sticky.header) ?? (sticky.openaiUser ? req.user : undefined);
    const arm = pickArm({ endpoint: endpoint.name, config: endpoint.config, stickyKey, random: this.#random });
    const resolved = await this.host.resolveVersion(arm.entity.model);
    const chain = await this.host.chainFor(resolved);
    this.#shadow.maybeStart(
      { ...chainRequest(req), requestId: req.requestId, caller: req.principal.name },
      endpoint,
      stickyKey,
    );
    const deadline = new Deadline(req.clientSignal, endpoint.config.timeoutMs);
    const meta = { endpoint: endpoint.name, arm, modelUri: arm.entity.model, resolved };
    return { ...meta, chain, stickyKey, signal: deadline.signal, deadline, started, startedAt };
  }

  async *#relay(
    req: ServeRequest,
    p: Prepared,
    buffered: ChainStreamEvent[],
    source: AsyncGenerator<ChainStreamEvent>,
  ): AsyncGenerator<ChainStreamEvent> {
    let partial = '';
    let done = false;
    const t = { startedAt: p.startedAt, started: p.started, stream: true };
    try {
      const all = async function* () {
        yield* buffered;
        yield* source;
      };
      for await (const event of all()) {
        if (event.type === 'text-delta') partial += event.delta;
        if (event.type === 'finish') {
          done = true;
          const latencyTotalMs = performance.now() - p.started;
          this.#recorder.record({ ...base(req, p), answer: event.answer, latencyTotalMs, stream: true });
        }
        yield event;
      }
    } catch (raw) {
      done = true;
      this.#recordError(req, p, translateAbort(raw, p), { ...t, partial });
      throw translateAbort(raw, p);
    } finally {
      if (!done) {
        // The consumer stopped early: the client went away mid-stream.
        await source.return(undefined);
        this.#recordError(req, p, new ClientClosedError(), { ...t, partial });
      }
      p.deadline.dispose();
    }
  }

  #recordError(
    req: ServeRequest,
    p: Prepared | undefined,
    error: unknown,
    t: { startedAt: Date; started: number; stream: boolean; partial?: string },
  ): void {
    const where = p
      ? base(req, p)
      : {
          requestId: req.requestId,
          startedAt: t.startedAt,
          endpoint: req.endpointName,
          trafficArm: 'live' as const,
          caller: req.principal.name,
          messages: req.messages,
        };
    this.#recorder.record({
      ...where,
      error: failureOf(error),
      stream: t.stream,
      partialAnswer: t.partial,
      latencyTotalMs: performance.now() - t.started,
    });
  }
}

function chainRequest(req: ServeRequest) {
  return {
    messages: req.messages,
    ...(req.user !== undefined && { user: req.user }),
    ...(req.temperature !== undefined && { temperature: req.temperature }),
    ...(req.maxOutputTokens !== undefined && { maxOutputTokens: req.maxOutputTokens }),
  };
}

function base(req: ServeRequest, p: Prepared) {
  return {
    requestId: req.requestId,
    startedAt: p.startedAt,
    endpoint: p.endpoint,
    trafficArm: 'live' as const,
    servedEntity: p.arm.entity.name,
    assignment: p.arm.assignment,
    modelUri: p.modelUri,
    resolved: pinsOf(p.resolved),
    caller: req.principal.name,
    stickyKey: p.stickyKey,
    messages: req.messages,
  };
}

function translateAbort(error: unknown, p: Prepared): unknown {
  if (p.deadline.timedOut) return new ServingTimeoutError(p.deadline.timeoutMs!);
  if (p.signal.aborted) return new ClientClosedError();
  return error;
}
