import type { SqlValue } from '../metadata-store.ts';

const NUL = '\u0000';
/** What a NUL in bound text becomes: the Unicode replacement character, visible and never equal to a NUL-free name. */
export const NUL_REPLACEMENT = '\uFFFD';

/**
 * The one rule for U+0000 in bound text, applied by both stores to every parameter, so no column can
 * forget it: it is replaced by U+FFFD. PostgreSQL refuses NUL in text outright (SQLSTATE 22021, which
 * surfaced as a 500) while SQLite stored it; now both store the same thing. Names and identifiers
 * never get here with a NUL (their schemas refuse it with invalid_input); free text (descriptions,
 * display names, answers) keeps every other character. JSON columns are unaffected: JSON.stringify
 * writes a NUL as the six characters `\u0000`, so JSON round-trips exactly.
 */
export function guardSqlParams(params: readonly SqlValue[]): readonly SqlValue[] {
  let out: SqlValue[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    if (typeof value === 'string' && value.includes(NUL)) {
      out ??= [...params];
      out[i] = value.replaceAll(NUL, NUL_REPLACEMENT);
    }
  }
  return out ?? params;
}
