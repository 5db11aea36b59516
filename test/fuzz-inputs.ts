// Deterministic hostile inputs for the route fuzz suite: a request body sampled from each operation's
// OpenAPI schema, then one field at a time replaced by a hostile value, plus whole hostile bodies and
// hostile path parameters. Everything derives from a seed, so a failure names a case that replays.
import { seededRandom } from './serving-fixture.ts';

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  example?: unknown;
  default?: unknown;
  minItems?: number;
};

export type FuzzBody = { name: string; body: string | Uint8Array; contentType?: string };

const deep = (depth: number, open: string, close: string, leaf = '1') =>
  open.repeat(depth) + leaf + close.repeat(depth);

/** Values no field expects: wrong types, hostile numbers, NUL, huge strings without whitespace. */
export function hostileValues(random: () => number): { name: string; value: unknown }[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  return [
    { name: 'null', value: null },
    { name: 'true', value: true },
    { name: 'empty object', value: {} },
    { name: 'array of nulls', value: [null, null] },
    { name: 'number 1e308', value: 1e308 },
    { name: 'number -1', value: -1 },
    { name: 'number past 2^53', value: 2 ** 53 + 2 },
    { name: 'number 1e-320', value: 1e-320 },
    { name: 'number -0', value: -0 },
    { name: 'string "NaN"', value: 'NaN' },
    { name: 'NUL string', value: `a\u0000b${pick(['', '\u0000', '\u0001\u001f'])}` },
    { name: 'lone surrogate', value: '\ud800x\udfff' },
    { name: 'path traversal', value: '../../../../etc/passwd' },
    { name: 'sql', value: "x'); DROP TABLE inference_rows; --" },
    { name: '8k a without spaces', value: 'a'.repeat(8_000) },
    { name: '4k math X', value: '𝕏'.repeat(4_000) },
    { name: 'object nested 2000', value: JSON.parse(deep(2_000, '{"a":', '}')) as unknown },
  ];
}

/** Bodies that are hostile as a whole (not one field). */
export function hostileBodies(): FuzzBody[] {
  const utf8 = new TextEncoder();
  const invalidUtf8 = (json: string) => {
    const [head, tail] = json.split('@@');
    return Uint8Array.from([...utf8.encode(head), 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, ...utf8.encode(tail)]);
  };
  return [
    { name: 'empty', body: '' },
    { name: 'malformed', body: '{"a":' },
    { name: 'a JSON string', body: '"x"' },
    { name: 'array nested 100k', body: deep(100_000, '[', ']') },
    { name: 'object nested 50k', body: deep(50_000, '{"a":', '}') },
    { name: 'string 900k without whitespace', body: JSON.stringify('a'.repeat(900_000)) },
    { name: 'NUL bytes raw', body: '{"name":"a\u0000b"}' },
    { name: 'invalid UTF-8', body: invalidUtf8('{"name":"@@","description":"x"}') },
    { name: 'not JSON content type', body: '{"name":"x"}', contentType: 'text/plain' },
    { name: 'number 1e400', body: '{"version": 1e400, "pageSize": 1e400}' },
  ];
}

/** Hostile values for a path parameter (already URL-encoded where needed). */
export const HOSTILE_PATH_VALUES: { name: string; value: string }[] = [
  { name: 'long', value: 'a'.repeat(4_000) },
  { name: 'NUL', value: 'a%00b' },
  { name: 'traversal', value: '..%2F..%2Fetc%2Fpasswd' },
  { name: 'bad percent', value: '%ff%fe%' },
  { name: 'unicode', value: encodeURIComponent('𝕏.ü.名') },
  { name: 'dots', value: '...' },
  { name: 'number overflow', value: '99999999999999999999999' },
];

/** A valid-looking sample of a schema: examples and defaults first, then the first enum value or type. */
export function sampleOf(schema: JsonSchema | undefined, resolve: (ref: string) => JsonSchema, depth = 0): unknown {
  if (!schema || depth > 8) return null;
  if (schema.$ref) return sampleOf(resolve(schema.$ref), resolve, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  const alt = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (alt?.length) return sampleOf(alt[0], resolve, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const props = schema.properties ?? {};
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sampleOf(v, resolve, depth + 1)]));
    }
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
        sampleOf(schema.items, resolve, depth + 1),
      );
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    case 'string':
      return 'x';
    default:
      return {};
  }
}

/**
 * The fuzz bodies of one operation: its sampled body with each top-level field (and each field of
 * nested objects, one level down) replaced in turn by a seeded choice of hostile values, then the
 * whole-body cases.
 */
export function fuzzBodies(sample: unknown, seed: number, perField = 3): FuzzBody[] {
  const random = seededRandom(seed);
  const values = hostileValues(random);
  const out: FuzzBody[] = [];
  const paths: string[][] = [];
  if (sample && typeof sample === 'object' && !Array.isArray(sample)) {
    for (const [k, v] of Object.entries(sample)) {
      paths.push([k]);
      if (v && typeof v === 'object' && !Array.isArray(v)) for (const k2 of Object.keys(v)) paths.push([k, k2]);
    }
  }
  for (const path of paths) {
    for (let i = 0; i < perField; i++) {
      const hostile = values[Math.floor(random() * values.length)]!;
      out.push({
        name: `${path.join('.')} = ${hostile.name}`,
        body: JSON.stringify(withValue(sample, path, hostile.value)),
      });
    }
  }
  return [...out, ...hostileBodies()];
}

function withValue(sample: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(sample) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}
