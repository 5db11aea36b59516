import { z } from 'zod';
import { parseModelUri } from '../registry/model-uri.ts';

/** Endpoint names are what OpenAI clients send as `model`: lower-case, a letter first. */
export const endpointNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,62}$/, 'endpoint names: a lower-case letter, then a-z, 0-9, _ . or - (max 63)');

/** A served entity's (an arm's) name within an endpoint. */
export const entityNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'entity names: a lower-case letter, then a-z, 0-9, _ or - (max 63)');

/** A model URI kept as text (`models:/c.s.m/3` or `models:/c.s.m@champion`), checked to parse. */
const modelUriTextSchema = z.string().superRefine((value, ctx) => {
  try {
    parseModelUri(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
  }
});

/** One arm of an endpoint's traffic split. `name` defaults to the alias, or `v<N>`. */
export const servedEntitySchema = z.strictObject({
  name: entityNameSchema.optional(),
  model: modelUriTextSchema,
  /** Share of live traffic, in percent; an endpoint's arms sum to 100. */
  traffic: z.number().int().min(0).max(100),
});

/** Gets a copy of (a sample of) live traffic; its answer is logged, never returned. */
export const shadowEntitySchema = z.strictObject({
  name: entityNameSchema.optional(),
  model: modelUriTextSchema,
  sampleRate: z.number().min(0).max(1).default(1),
});

/** An endpoint's configuration as written in ragops.yaml `endpoints:`, the API and the CLI. */
export const endpointConfigSchema = z
  .strictObject({
    description: z.string().max(2000).default(''),
    served: z.array(servedEntitySchema).min(1).max(10),
    shadow: shadowEntitySchema.optional(),
    /** Whole-request budget (retrieval + generation); past it the caller gets a 504. */
    timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
    /**
     * Per principal, per endpoint; enforced per server replica (a token bucket). A replica running
     * RAGOPS_WORKERS=N workers gives each 1/N of the rate and burst (rounded up), so the replica as
     * a whole allows this limit.
     */
    rateLimit: z
      .strictObject({
        requestsPerMinute: z.number().int().min(1).max(1_000_000),
        burst: z.number().int().min(1).max(1_000_000).optional(),
      })
      .optional(),
    /** Sticky assignment: the same key always lands on the same arm (while the split is unchanged). */
    sticky: z
      .strictObject({
        /** Header carrying the key, e.g. an end-user or session id. */
        header: z.string().min(1).max(100).default('x-ragops-user'),
        /** Also use OpenAI's `user` field of the body as the key. */
        openaiUser: z.boolean().default(true),
      })
      .default({ header: 'x-ragops-user', openaiUser: true }),
  })
  .superRefine((config, ctx) => {
    const total = config.served.reduce((sum, e) => sum + e.traffic, 0);
    if (total !== 100) {
      ctx.addIssue({ code: 'custom', path: ['served'], message: `traffic must sum to 100, got ${total}` });
    }
    const names = config.served.map(entityName);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['served'], message: `two served entities are named "${dup}": set name:` });
    }
  })
  .transform((config) => ({
    ...config,
    served: config.served.map((e) => ({ ...e, name: entityName(e) })),
    shadow: config.shadow
      ? { ...config.shadow, name: config.shadow.name ?? `shadow-${entityName(config.shadow)}` }
      : undefined,
  }));
export type EndpointConfigInput = z.input<typeof endpointConfigSchema>;
export type EndpointConfig = z.output<typeof endpointConfigSchema>;
export type ServedEntity = EndpointConfig['served'][number];

/** A stored endpoint. */
export type Endpoint = {
  name: string;
  config: EndpointConfig;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
};

/** ragops.yaml `endpoints:` — name → config. */
export const endpointsSpecSchema = z.record(endpointNameSchema, endpointConfigSchema);

function entityName(entity: { name?: string; model: string }): string {
  if (entity.name) return entity.name;
  const uri = parseModelUri(entity.model);
  return 'alias' in uri.ref ? uri.ref.alias : `v${uri.ref.version}`;
}
