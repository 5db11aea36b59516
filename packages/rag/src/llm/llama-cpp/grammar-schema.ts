/** Integer ranges up to this many values become an enum for the grammar. */
const MAX_ENUM_RANGE = 101;

/**
 * The JSON schema as node-llama-cpp's grammar compiler should see it. It ignores `minimum` /
 * `maximum` (a judge's `rating: 1–5` came back as 9 digits from the test model), so a small integer
 * range becomes an `enum` of its values, which the grammar does enforce. Everything else passes
 * through; the caller still validates the reply.
 */
export function grammarSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(grammarSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const s = schema as Record<string, unknown>;
  if (s.type === 'integer' && s.enum === undefined) {
    const low = bound(s.minimum, s.exclusiveMinimum, 1);
    const high = bound(s.maximum, s.exclusiveMaximum, -1);
    if (low !== undefined && high !== undefined && high >= low && high - low < MAX_ENUM_RANGE) {
      const { type: _t, minimum: _a, maximum: _b, exclusiveMinimum: _c, exclusiveMaximum: _d, ...rest } = s;
      return { ...rest, enum: Array.from({ length: high - low + 1 }, (_, i) => low + i) };
    }
  }
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, grammarSchema(v)]));
}

/** The inclusive integer bound from JSON Schema's inclusive and exclusive forms (`step` +1 low, -1 high). */
function bound(inclusive: unknown, exclusive: unknown, step: 1 | -1): number | undefined {
  const values: number[] = [];
  if (typeof inclusive === 'number') values.push(step === 1 ? Math.ceil(inclusive) : Math.floor(inclusive));
  if (typeof exclusive === 'number') {
    values.push(step === 1 ? Math.floor(exclusive) + 1 : Math.ceil(exclusive) - 1);
  }
  if (values.length === 0) return undefined;
  return step === 1 ? Math.max(...values) : Math.min(...values);
}
