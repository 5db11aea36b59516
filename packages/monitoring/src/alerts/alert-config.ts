import { endpointNameSchema } from '@ragops/core';
import { z } from 'zod';
import { WINDOW_SIZES } from '../metrics/windows.ts';
import { alertMetricSchema } from './alert-metrics.ts';

const ruleName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'rule names: a lower-case letter, then a-z, 0-9, _ or -');

/** What breaches: a fixed bound, or a relative change against the previous window (0.5 = +50%). */
export const alertConditionSchema = z.union([
  z.strictObject({ above: z.number().finite() }),
  z.strictObject({ below: z.number().finite() }),
  z.strictObject({ increaseAbove: z.number().positive() }),
  z.strictObject({ decreaseAbove: z.number().positive().max(1) }),
]);
export type AlertCondition = z.infer<typeof alertConditionSchema>;

/** One alert rule: a metric of an endpoint's metric table at one window size. */
export const alertRuleSchema = z.strictObject({
  name: ruleName,
  endpoint: endpointNameSchema,
  metric: alertMetricSchema,
  window: z.enum(WINDOW_SIZES).default('5m'),
  condition: alertConditionSchema,
  /** Consecutive complete windows the condition must hold before the alert fires (and clear before it resolves). */
  forWindows: z.number().int().min(1).max(100).default(1),
  /** Windows with fewer requests (or ratings, judged requests) than this neither breach nor clear. */
  minCount: z.number().int().min(1).max(1_000_000).default(20),
  /** Webhooks (by name) to deliver to; default all. */
  webhooks: z.array(z.string().min(1).max(63)).max(10).optional(),
});
export type AlertRule = z.output<typeof alertRuleSchema>;

/** A receiver: POST JSON, signed with HMAC-SHA256 of `timestamp.body` when a secret is set. */
export const webhookSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'webhook names: a lower-case letter, then a-z, 0-9, _ or -'),
  url: z.url({ protocol: /^https?$/ }),
  /** The signing secret, resolved by the app from a `${ENV}` reference; never logged. */
  secret: z.string().min(16).max(512).optional(),
  timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
  /** Attempts in all (the first plus retries on network errors, 408, 429, 5xx). */
  maxAttempts: z.number().int().min(1).max(10).default(4),
  /** First retry delay; doubles each retry (jittered, each wait at most 60 s; a Retry-After up to 30 s wins). */
  backoffMs: z.number().int().min(0).max(60_000).default(500),
});
export type Webhook = z.output<typeof webhookSchema>;

/** `monitoring.alerts` of ragops.yaml. */
export const alertsConfigSchema = z
  .strictObject({
    rules: z.array(alertRuleSchema).max(200).default([]),
    webhooks: z.array(webhookSchema).max(20).default([]),
  })
  .superRefine((c, ctx) => {
    const names = c.rules.map((r) => r.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i)
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `two rules are named "${n}"` });
    });
    const hooks = new Set(c.webhooks.map((w) => w.name));
    c.rules.forEach((r, i) => {
      r.webhooks?.forEach((w, j) => {
        if (!hooks.has(w))
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'webhooks', j], message: `no webhook is named "${w}"` });
      });
    });
  });
export type AlertsConfig = z.output<typeof alertsConfigSchema>;
export type AlertsConfigInput = z.input<typeof alertsConfigSchema>;
