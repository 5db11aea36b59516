import { z } from 'zod';

/**
 * A name or identifier a caller filters by (`--principal`, `?objectName=`, `?endpoint=`): any text
 * up to `max` characters except U+0000, which no stored name contains and PostgreSQL refuses in
 * text. Refused with invalid_input, so a NUL in a filter is a 4xx on both backends, not a 500.
 */
export function filterTextSchema(max = 500) {
  return z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain U+0000 (NUL)');
}
