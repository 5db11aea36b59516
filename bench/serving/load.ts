import { createRequire } from 'node:module';

type AutocannonResult = {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { sent: number };
};
type Instance = PromiseLike<AutocannonResult> & {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
};
// autocannon ships CommonJS without types.
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Instance;

export type LoadResult = {
  /** Completed 2xx responses per second over the run. */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  sent: number;
  connections: number;
  seconds: number;
};

export type LoadOptions = {
  url: string;
  token: string;
  questions: readonly string[];
  seconds: number;
  connections: number;
  /** autocannon `overallRate`; undefined = as fast as the connections go (closed loop). */
  rate?: number;
  /** The endpoint asked (`model`); default `bench`. */
  endpoint?: string;
  /** The ids of 2xx responses (their `x-request-id`: serving's own id, the inference row's). */
  answeredIds?: Set<string>;
};

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN;

/**
 * One autocannon run of `POST /v1/chat/completions` over keep-alive connections, each request a
 * different question. Latency is autocannon's per-response time (send → last byte, ms, fractional),
 * raw: autocannon's own coordinated-omission correction assumes a 1 ms interval whatever the rate,
 * so its histogram is not used.
 * Note on `rate`: autocannon gives every connection a budget of rate/connections requests per
 * second, sent back to back at the start of each second, so a fixed rate is a burst per second on
 * `connections` sockets, not evenly spaced arrivals.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let n = 0;
  const instance = autocannon({
    url: `${o.url}/v1/chat/completions`,
    method: 'POST',
    headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
    connections: o.connections,
    duration: o.seconds,
    timeout: 30,
    ...(o.rate && { overallRate: o.rate }),
    requests: [
      {
        setupRequest: (req: { headers?: Record<string, string> }) => {
          const i = n++;
          return {
            ...req,
            body: JSON.stringify({
              model: o.endpoint ?? 'bench',
              messages: [{ role: 'user', content: o.questions[i % o.questions.length] }],
            }),
          };
        },
        ...(o.answeredIds && {
          onResponse: (status: number, _body: string, _ctx: unknown, headers: Record<string, string>) => {
            const id = headers['x-request-id'];
            if (status >= 200 && status < 300 && id) o.answeredIds!.add(id);
          },
        }),
      },
    ],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) {
      ok += 1;
      latencies.push(ms);
    } else non2xx += 1;
  });
  const r = await instance;
  latencies.sort((a, b) => a - b);
  return {
    rps: ok / r.duration,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    ok,
    non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    sent: r.requests.sent,
    connections: o.connections,
    seconds: r.duration,
  };
}
