import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitoringSpecSchema, NotFoundError } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertsConfigInput } from '../packages/monitoring/src/alerts/alert-config.ts';
import { DELIVERIES_PER_WEBHOOK } from '../packages/monitoring/src/alerts/alert-deliveries.ts';
import { webhookSignature } from '../packages/monitoring/src/alerts/deliver-webhook.ts';
import { evaluateAlerts } from '../packages/monitoring/src/alerts/evaluate-alerts.ts';
import { listAlerts } from '../packages/monitoring/src/alerts/list-alerts.ts';
import { insertMetricRows } from '../packages/monitoring/src/metrics/metric-store.ts';
import { refreshMetrics } from '../packages/monitoring/src/metrics/refresh-metrics.ts';
import { metricRow } from './metric-rows.ts';
import { MODEL, type MonitoringOpsFixture, startMonitoringOpsFixture } from './monitoring-ops-fixture.ts';

type AlertRuleInput = NonNullable<AlertsConfigInput['rules']>[number];

const SECRET = 'test-secret-0123456789';
const T0 = Date.UTC(2026, 10, 1, 0, 0);
const windowStart = (k: number) => T0 + k * 5 * 60_000;
/** A clock just past window k's end and the refresh grace: window k is complete. */
const pastWindow = (k: number) => new Date(windowStart(k + 1) + 2 * 60_000);

type Received = { headers: IncomingMessage['headers']; body: string };

/** A webhook receiver on loopback answering with `statuses` in turn (then 200). */
async function receiver(
  statuses: number[] = [],
): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((r) => server.close(() => r())) };
}

const backends = ['sqlite', ...(process.env.RAGOPS_TEST_POSTGRES_URL ? ['postgres' as const] : [])] as const;

describe.each(backends)('alerts on %s', (backend) => {
  let f: MonitoringOpsFixture;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let flaky: Awaited<ReturnType<typeof receiver>>;
  let dead: Awaited<ReturnType<typeof receiver>>;
  const spec = monitoringSpecSchema.parse({});

  beforeAll(async () => {
    f = await startMonitoringOpsFixture(backend);
    await f.createEndpoint('docs', { served: [{ model: `models:/${MODEL}/1`, traffic: 100 }] });
    // 30 requests per 5-minute window; windows 2 and 3 fail half of them.
    const rows = [];
    for (let k = 0; k < 6; k++) {
      for (let i = 0; i < 30; i++) {
        const failing = (k === 2 || k === 3) && i % 2 === 0;
        rows.push(
          f.row({
            ts: new Date(windowStart(k) + i * 5_000).toISOString(),
            ...(failing && { status: 'error', httpStatus: 502, errorCode: 'provider_error', answer: null }),
          }),
        );
      }
    }
    await f.insertRows(rows);
    hook = await receiver();
    flaky = await receiver([503, 503]);
    dead = await receiver([500, 500, 500, 500, 500]);
  });
  afterAll(async () => {
    await Promise.all([hook?.close(), flaky?.close(), dead?.close()]);
    await f?.close();
  });

  const config = (webhooks: { name: string; url: string }[]): AlertsConfigInput & { rules: AlertRuleInput[] } => ({
    rules: [
      {
        name: 'errors',
        endpoint: 'docs',
        metric: 'error_rate',
        window: '5m',
        condition: { above: 0.2 },
        forWindows: 2,
      },
    ],
    webhooks: webhooks.map((w) => ({ ...w, secret: SECRET, backoffMs: 10, maxAttempts: 3 })),
  });
  const step = async (k: number, webhooks: { name: string; url: string }[]) => {
    await refreshMetrics({ store: f.store, spec, now: pastWindow(k), sizes: ['5m'] });
    return evaluateAlerts({ store: f.store, config: config(webhooks), now: pastWindow(k) });
  };

  it('fires after two bad windows and resolves after two good ones, delivered signed to a real receiver', async () => {
    const hooks = [{ name: 'ops', url: hook.url }];
    expect((await step(2, hooks)).events).toEqual([]);
    const fired = await step(3, hooks);
    expect(fired.events).toHaveLength(1);
    expect(fired.events[0]).toMatchObject({
      state: 'firing',
      series: 'v1/v1',
      value: 0.5,
      delivery: 'delivered',
      attempts: 1,
    });
    expect((await step(4, hooks)).events).toEqual([]);
    const resolved = await step(5, hooks);
    expect(resolved.events[0]).toMatchObject({ state: 'resolved', value: 0, delivery: 'delivered' });

    expect(hook.received).toHaveLength(2);
    for (const r of hook.received) {
      const ts = String(r.headers['x-ragops-timestamp']);
      expect(r.headers['x-ragops-signature']).toBe(webhookSignature(SECRET, ts, r.body));
      expect(r.headers['content-type']).toBe('application/json');
    }
    const bodies = hook.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies.map((b) => b.state)).toEqual(['firing', 'resolved']);
    expect(bodies[0]).toMatchObject({
      rule: 'errors',
      endpoint: 'docs',
      metric: 'error_rate',
      condition: { above: 0.2 },
    });
    // The transition and its rule; not the sender's delivery bookkeeping.
    expect(Object.keys(bodies[0]!).sort()).toEqual([
      'condition',
      'createdAt',
      'deliveryId',
      'endpoint',
      'message',
      'metric',
      'rule',
      'series',
      'state',
      'value',
      'window',
      'windowStart',
    ]);

    const view = await listAlerts({ store: f.store, actor: f.admin }, { endpoint: 'docs' });
    expect(view.alerts).toMatchObject([{ rule: 'errors', series: 'v1/v1', state: 'ok' }]);
    expect(view.events.map((e) => e.state)).toEqual(['resolved', 'firing']);
    expect((await listAlerts({ store: f.store, actor: f.outsider })).alerts).toEqual([]);
    // No grant at all: the endpoint is not confirmed to exist (404 over REST), as getEndpoint.
    await expect(listAlerts({ store: f.store, actor: f.outsider }, { endpoint: 'docs' })).rejects.toThrow(
      NotFoundError,
    );
  });

  it('retries a failing receiver with backoff and records a dead one as failed', async () => {
    await f.store.run('DELETE FROM monitoring_alert_state');
    const fired = await step(3, [
      { name: 'flaky', url: flaky.url },
      { name: 'dead', url: dead.url },
    ]);
    expect(flaky.received).toHaveLength(3);
    expect(dead.received).toHaveLength(3);
    // One delivery id across the retries, so the receiver can drop duplicates.
    expect(new Set(flaky.received.map((r) => r.headers['x-ragops-delivery'])).size).toBe(1);
    expect(fired.events[0]).toMatchObject({ delivery: 'failed', attempts: 6, lastError: 'dead: HTTP 500' });
    const events = (await listAlerts({ store: f.store, actor: f.admin }, { endpoint: 'docs' })).events;
    const stored = events.find((e) => e.id === fired.events[0]?.id);
    expect(stored).toMatchObject({ delivery: 'failed', attempts: 6 });
  });

  it('delivers to each receiver in its own lane: a slow one holds up neither the others nor more than its lane', async () => {
    // Six series of endpoint `fanout` breach in window 9: six events, each for both receivers.
    await f.store.transaction((tx) =>
      insertMetricRows(
        tx,
        [1, 2, 3, 4, 5, 6].map((v) =>
          metricRow({
            endpoint: 'fanout',
            windowStart: new Date(windowStart(9)).toISOString(),
            modelVersion: v,
            requestCount: 10,
          }),
        ),
      ),
    );
    // `slow` answers nothing until `fast` has all six: one after another, the first delivery to
    // `slow` would time out, and so would every one after it.
    let fastReceived = 0;
    let slowInFlight = 0;
    let slowMost = 0;
    let releaseSlow = false;
    const held: ServerResponse[] = [];
    let ready: () => void = () => {};
    const bothReady = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const check = () => {
      if (fastReceived === 6 && slowInFlight === DELIVERIES_PER_WEBHOOK) ready();
    };
    const answer = (res: ServerResponse) => {
      slowInFlight--;
      res.writeHead(200).end();
    };
    const fast = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        fastReceived++;
        res.writeHead(200).end();
        check();
      });
    });
    const slow = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        slowInFlight++;
        slowMost = Math.max(slowMost, slowInFlight);
        if (releaseSlow) answer(res);
        else held.push(res);
        check();
      });
    });
    const listen = async (server: Server) => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    };
    const webhooks = [
      { name: 'slow', url: await listen(slow), timeoutMs: 3_000, maxAttempts: 1 },
      { name: 'fast', url: await listen(fast), timeoutMs: 3_000, maxAttempts: 1 },
    ];
    try {
      const evaluation = evaluateAlerts({
        store: f.store,
        config: {
          rules: [
            {
              ...config([]).rules[0]!,
              name: 'fanout',
              endpoint: 'fanout',
              metric: 'request_count',
              condition: { above: 5 },
              forWindows: 1,
            },
          ],
          webhooks,
        },
        now: pastWindow(9),
      });
      await Promise.race([bothReady, evaluation]);
      releaseSlow = true;
      for (const res of held.splice(0)) answer(res);
      const report = await evaluation;
      expect(report.events).toHaveLength(6);
      expect(report.events.map((e) => [e.delivery, e.attempts])).toEqual(Array(6).fill(['delivered', 2]));
      // The slow receiver had a full lane, never more: the other two waited for a free place.
      expect([fastReceived, slowMost]).toEqual([6, DELIVERIES_PER_WEBHOOK]);
    } finally {
      await Promise.all(
        [fast, slow].map((server) => {
          server.closeAllConnections();
          return new Promise<void>((r) => server.close(() => r()));
        }),
      );
    }
  });

  it('alert evaluation yields to the event loop between rules (SQLite answers synchronously)', async () => {
    // An immediate queued before the evaluation runs before it ends only if it gives the loop a turn.
    await refreshMetrics({ store: f.store, spec, now: pastWindow(2), sizes: ['5m'] });
    const rule = config([]).rules[0]!;
    let ranDuring = false;
    let done = false;
    setImmediate(() => {
      ranDuring = !done;
    });
    const report = await evaluateAlerts({
      store: f.store,
      config: { rules: [rule, { ...rule, name: 'errors_again' }] },
      now: pastWindow(2),
    });
    done = true;
    expect(report).toMatchObject({ rules: 2 });
    expect(report.series).toBeGreaterThan(0);
    expect(ranDuring).toBe(true);
  });

  it('refuses a rule naming an unknown webhook or metric', async () => {
    await expect(
      evaluateAlerts({ store: f.store, config: { rules: [{ ...config([]).rules[0]!, webhooks: ['nope'] }] } }),
    ).rejects.toThrow(/no webhook is named "nope"/);
    await expect(
      evaluateAlerts({ store: f.store, config: { rules: [{ ...config([]).rules[0]!, metric: 'nonsense' }] } }),
    ).rejects.toThrow(/metric/);
  });
});
