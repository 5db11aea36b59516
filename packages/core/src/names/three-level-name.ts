import { z } from 'zod';
import { InvalidInputError } from '../errors/ragops-error.ts';

const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;
/** `catalog.schema.name`, each part an identifier: for schemas that keep the name a string. */
export const THREE_LEVEL_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}\.[a-z][a-z0-9_]{0,62}\.[a-z][a-z0-9_]{0,62}$/;

/** A lower-case identifier: a catalog, schema or asset name part. */
export const identifierSchema = z
  .string()
  .regex(IDENTIFIER, 'must be a lower-case identifier: a letter, then letters, digits or _ (max 63)');

export type ThreeLevelName = { catalog: string; schema: string; name: string };

/** `catalog.schema.name` as a zod schema that parses to its parts. */
export const threeLevelNameSchema = z.string().transform((value, ctx): ThreeLevelName => {
  const parts = value.split('.');
  if (parts.length !== 3) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a three-level name: use catalog.schema.name` });
    return z.NEVER;
  }
  for (const part of parts) {
    if (!IDENTIFIER.test(part)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${part}" in "${value}" must be a lower-case identifier: a letter, then letters, digits or _`,
      });
      return z.NEVER;
    }
  }
  const [catalog, schema, name] = parts as [string, string, string];
  return { catalog, schema, name };
});

/** Parses `catalog.schema.name`; throws InvalidInputError with the reason. */
export function parseThreeLevelName(value: string): ThreeLevelName {
  const result = threeLevelNameSchema.safeParse(value);
  if (!result.success) throw new InvalidInputError(result.error.issues.map((i) => i.message).join('; '));
  return result.data;
}

export function formatThreeLevelName(name: ThreeLevelName): string {
  return `${name.catalog}.${name.schema}.${name.name}`;
}
