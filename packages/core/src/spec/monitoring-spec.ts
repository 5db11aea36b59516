import { z } from 'zod';
import { filterTextSchema } from '../names/filter-text.ts';

/**
 * Inference-table columns monitoring may group by (slices) or filter on. Config names columns from
 * these lists only: no SQL from ragops.yaml ever reaches the database (the refresher evaluates
 * filters in TypeScript over scanned rows).
 */
export const MONITOR_CATEGORICAL_COLUMNS = [
  'source',
  'served_entity',
  'traffic_arm',
  'assignment',
  'model_name',
  'model_version',
  'index_name',
  'index_version',
  'llm_provider',
  'llm_model',
  'llm_fallback_from',
  'status',
  'http_status',
  'error_code',
  'finish_reason',
  'stream',
  'tokens_source',
  'caller',
] as const;
/** Numeric columns (plus two derived: `answer_chars`, `retrieved_count`, `top_score`). */
export const MONITOR_NUMERIC_COLUMNS = [
  'latency_total_ms',
  'latency_retrieval_ms',
  'latency_generation_ms',
  'ttft_ms',
  'tokens_in',
  'tokens_out',
  'cost_usd',
  'http_status',
  'model_version',
  'answer_chars',
  'retrieved_count',
  'top_score',
] as const;
export type MonitorCategoricalColumn = (typeof MONITOR_CATEGORICAL_COLUMNS)[number];
export type MonitorNumericColumn = (typeof MONITOR_NUMERIC_COLUMNS)[number];
export type MonitorColumn = MonitorCategoricalColumn | MonitorNumericColumn;
export const MONITOR_COLUMNS = [...new Set([...MONITOR_CATEGORICAL_COLUMNS, ...MONITOR_NUMERIC_COLUMNS])] as const;

const columnSchema = z.enum(MONITOR_COLUMNS as unknown as [MonitorColumn, ...MonitorColumn[]]);
const numericColumnSchema = z.enum(MONITOR_NUMERIC_COLUMNS);
const scalar = z.union([filterTextSchema(200), z.number().finite(), z.boolean(), z.null()]);

/** One condition on a column: equality (a bare value) or comparison operators, all of which must hold. */
export const columnConditionSchema = z.union([
  scalar,
  z
    .strictObject({
      eq: scalar.optional(),
      ne: scalar.optional(),
      in: z.array(scalar).min(1).max(100).optional(),
      gt: z.number().finite().optional(),
      gte: z.number().finite().optional(),
      lt: z.number().finite().optional(),
      lte: z.number().finite().optional(),
    })
    .refine((c) => Object.keys(c).length > 0, 'give at least one of eq, ne, in, gt, gte, lt, lte'),
]);
export type ColumnCondition = z.infer<typeof columnConditionSchema>;

/** `where:` of a custom metric: column → condition, every one must hold (AND). */
export const rowFilterSchema = z.partialRecord(columnSchema, columnConditionSchema);
export type RowFilter = z.infer<typeof rowFilterSchema>;

const metricName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'metric names are lower-case identifiers: a letter, then a-z, 0-9 or _');

/**
 * A custom metric over the rows of a window that pass `where`: count, sum/mean/quantile of a numeric
 * column, or `ratio` of two other metrics (`of: [numerator, denominator]`: custom aggregates, or
 * `request_count` / `error_count`).
 */
export const customMetricSchema = z.discriminatedUnion('aggregate', [
  z.strictObject({ aggregate: z.literal('count'), where: rowFilterSchema.default({}) }),
  z.strictObject({
    aggregate: z.enum(['sum', 'mean']),
    column: numericColumnSchema,
    where: rowFilterSchema.default({}),
  }),
  z.strictObject({
    aggregate: z.literal('quantile'),
    column: numericColumnSchema,
    q: z.number().gt(0).lt(1),
    where: rowFilterSchema.default({}),
  }),
  z.strictObject({ aggregate: z.literal('ratio'), of: z.tuple([metricName, metricName]) }),
]);
export type CustomMetric = z.infer<typeof customMetricSchema>;

/** Built-in counts a ratio may name besides custom metrics. */
export const BUILTIN_RATIO_TERMS = ['request_count', 'error_count'] as const;

/** A slice: rows grouped by one column's value, or a numeric column cut at ascending `bins` edges. */
export const sliceSpecSchema = z
  .strictObject({ column: columnSchema, bins: z.array(z.number().finite()).min(1).max(20).optional() })
  .refine((s) => !s.bins || s.bins.every((b, i) => i === 0 || b > s.bins![i - 1]!), {
    message: 'bins must be strictly ascending',
    path: ['bins'],
  })
  .refine((s) => !s.bins || (MONITOR_NUMERIC_COLUMNS as readonly string[]).includes(s.column), {
    message: `bins need a numeric column (${MONITOR_NUMERIC_COLUMNS.join(', ')})`,
    path: ['column'],
  });
export type SliceSpec = z.infer<typeof sliceSpecSchema>;

/**
 * `monitoring:` of ragops.yaml (docs/monitoring.md): slices and custom metrics of the metric tables,
 * and how the server refreshes them. Drift and alert settings are their own keys, parsed by their owners.
 */
export const monitoringSpecSchema = z
  .looseObject({
    refresh: z
      .strictObject({
        /** How often the server refreshes the metric tables; 0 turns the schedule off. */
        intervalSeconds: z.number().int().min(0).max(86_400).default(60),
        /**
         * A window counts as complete this long after it ends (inference rows are written
         * asynchronously, batched up to RAGOPS_INFERENCE_FLUSH_MS): until then it is recomputed.
         */
        graceSeconds: z.number().int().min(0).max(3_600).default(60),
        /**
         * The schedule refreshes a window size only when its last refresh is at least this old. An
         * open window is recomputed whole, so an open day re-reads the day's rows (bench:monitor: 28 s
         * for 1M rows on SQLite): hourly for days, every 5 minutes for hours, every tick for 5m windows.
         */
        sizeIntervalSeconds: z
          .strictObject({
            '5m': z.number().int().min(0).max(86_400).default(0),
            '1h': z.number().int().min(0).max(86_400).default(300),
            '1d': z.number().int().min(0).max(86_400).default(3_600),
          })
          .default({ '5m': 0, '1h': 300, '1d': 3_600 }),
      })
      .default({ intervalSeconds: 60, graceSeconds: 60, sizeIntervalSeconds: { '5m': 0, '1h': 300, '1d': 3_600 } }),
    slices: z.record(metricName, sliceSpecSchema).default({}),
    metrics: z.record(metricName, customMetricSchema).default({}),
  })
  .superRefine((spec, ctx) => {
    const names = new Set([...Object.keys(spec.metrics), ...BUILTIN_RATIO_TERMS]);
    for (const [name, metric] of Object.entries(spec.metrics)) {
      if (metric.aggregate !== 'ratio') continue;
      for (const [i, term] of metric.of.entries()) {
        const target = spec.metrics[term];
        if (!names.has(term) || target?.aggregate === 'ratio') {
          ctx.addIssue({
            code: 'custom',
            path: ['metrics', name, 'of', i],
            message: `"${term}" is not an aggregate metric (custom aggregates, ${BUILTIN_RATIO_TERMS.join(', ')})`,
          });
        }
      }
    }
    if ('all' in spec.slices) {
      ctx.addIssue({
        code: 'custom',
        path: ['slices', 'all'],
        message: '"all" is the unsliced rows: pick another name',
      });
    }
    if (Object.keys(spec.slices).length > 16) {
      ctx.addIssue({ code: 'custom', path: ['slices'], message: 'at most 16 slices' });
    }
    if (Object.keys(spec.metrics).length > 64) {
      ctx.addIssue({ code: 'custom', path: ['metrics'], message: 'at most 64 custom metrics' });
    }
  });
export type MonitoringSpec = z.output<typeof monitoringSpecSchema>;
