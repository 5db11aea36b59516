import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadRagopsSpec, type MetadataStore, type MonitoringSpec, monitoringSpecSchema } from '@ragops/core';
import { type MetricRefresher, startMetricRefresher } from '@ragops/monitoring';
import { type ServerLogger, toLibraryLogger } from './logger.ts';

/** `monitoring:` of the spec (RAGOPS_SPEC, else ./ragops.yaml when present); defaults without one. */
export async function serverMonitoringSpec(specPath: string | undefined): Promise<MonitoringSpec> {
  const file = specPath ?? (existsSync('ragops.yaml') ? resolve('ragops.yaml') : undefined);
  const loaded = file === undefined ? undefined : await loadRagopsSpec(file);
  return loaded?.spec.monitoring ?? monitoringSpecSchema.parse({});
}

/**
 * The metric tables' schedule inside the server: every `monitoring.refresh.intervalSeconds` (0: off),
 * on a timer beside the request path; replicas share one lease so one of them refreshes at a time.
 */
export function startServerMetricRefresher(args: {
  store: MetadataStore;
  spec: MonitoringSpec;
  logger: ServerLogger;
  /** After each refresh that wrote (alert evaluation, monitoring-ops.ts). */
  onRefreshed?: () => void;
}): MetricRefresher {
  return startMetricRefresher({
    store: args.store,
    spec: args.spec,
    logger: toLibraryLogger(args.logger),
    onReport: (report) => {
      if (report.status === 'refreshed') args.onRefreshed?.();
    },
  });
}
