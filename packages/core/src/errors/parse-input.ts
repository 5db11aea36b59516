import type { z } from 'zod';
import { formatZodError } from './format-zod-error.ts';
import { InvalidInputError } from './ragops-error.ts';

/** Parses `value` with `schema`; throws InvalidInputError naming `where` and every problem. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InvalidInputError(formatZodError(result.error, where), {
      details: { where, issues: result.error.issues },
    });
  }
  return result.data;
}
