import { createHash } from 'node:crypto';
import { ConflictError } from '../errors/ragops-error.ts';
import { assertJsonDepth } from '../json/json-depth.ts';

const ALIAS = /^[a-z][a-z0-9_-]{0,62}$/;
/** Alias names the registry reserves: `latest` always means the highest live version. */
export const RESERVED_ALIASES = ['latest'] as const;

/** Why `alias` cannot be an alias name, or undefined when it can. */
export function aliasNameProblem(alias: string): string | undefined {
  if (!ALIAS.test(alias)) {
    return `alias "${alias}" must start with a lower-case letter and contain only a-z, 0-9, _ or - (max 63)`;
  }
  if ((RESERVED_ALIASES as readonly string[]).includes(alias)) return `alias "${alias}" is reserved`;
  return undefined;
}

const IMMUTABLE_VERSION_FIELDS = ['package', 'packageSha256', 'version', 'source', 'createdBy', 'createdAt'];

/**
 * Model versions are immutable packages: only description and tags change. Throws ConflictError
 * naming the fields when a patch tries to change anything else.
 */
export function assertVersionPatchAllowed(patch: Record<string, unknown>): void {
  const refused = Object.keys(patch).filter((k) => IMMUTABLE_VERSION_FIELDS.includes(k));
  if (refused.length > 0) {
    throw new ConflictError(
      `model versions are immutable: ${refused.join(', ')} cannot change; register a new version instead`,
      { details: { fields: refused } },
    );
  }
}

/**
 * JSON with object keys sorted at every level: equal values give equal bytes. Depth-checked first
 * (InvalidInputError past MAX_JSON_DEPTH levels), so the recursion below stays shallow on any input.
 */
export function canonicalJson(value: unknown): string {
  assertJsonDepth(value, { where: 'value' });
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** sha256 hex of the canonical JSON of `value`: the content address of a package. */
export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** sha256 hex of a string (UTF-8). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
