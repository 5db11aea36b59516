import { ConfigError, parseInput } from '@ragops/core';
import { type AlertsConfig, alertsConfigSchema } from './alert-config.ts';

const ENV_REF = /^\$\{([A-Z_][A-Z0-9_]*)\}$/;

/** Webhook secrets are `${ENV_VAR}` references in ragops.yaml (the spec lives in git). */
function resolveSecret(value: unknown, where: string, env: Readonly<Record<string, string | undefined>>) {
  if (value === undefined) return undefined;
  const ref = typeof value === 'string' ? ENV_REF.exec(value) : null;
  if (!ref) throw new ConfigError(`${where}: secrets are never stored in ragops.yaml: write a \${ENV_VAR} reference`);
  const resolved = env[ref[1]!];
  if (!resolved) throw new ConfigError(`${where}: environment variable ${ref[1]} is not set`);
  return resolved;
}

/**
 * `monitoring.alerts` of ragops.yaml, parsed, with webhook secrets resolved from `env`: the one
 * reading both apps use (the server after each scheduled refresh, `ragops monitor refresh`).
 * Throws ConfigError (a literal or unset secret) and InvalidInputError (a bad rule), naming where.
 */
export function alertsConfigFromSpec(alerts: unknown, env: Readonly<Record<string, string | undefined>>): AlertsConfig {
  const input = (alerts ?? {}) as { webhooks?: Record<string, unknown>[] };
  return parseInput(
    alertsConfigSchema,
    {
      ...input,
      ...(Array.isArray(input.webhooks) && {
        webhooks: input.webhooks.map((w, i) => ({
          ...w,
          ...(w.secret !== undefined && {
            secret: resolveSecret(w.secret, `monitoring.alerts.webhooks[${i}].secret`, env),
          }),
        })),
      }),
    },
    'monitoring.alerts',
  );
}
