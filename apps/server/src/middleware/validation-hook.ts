import { formatZodError, InvalidInputError } from '@ragops/core';
import type { ValidationTargets } from 'hono';
import type { ZodError } from 'zod';

// Where a problem is, as the caller would name it: `body.version`, `query.pageSize`, `path.name`.
const WHERE: Record<keyof ValidationTargets, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

/**
 * The one validation hook: a failed zod parse of a body, query or path becomes an InvalidInputError,
 * so the error handler renders it in the one error shape (400, what and where).
 */
export function validationHook(
  result: { target: keyof ValidationTargets } & ({ success: true } | { success: false; error: ZodError }),
): void {
  if (result.success) return;
  const where = WHERE[result.target];
  throw new InvalidInputError(formatZodError(result.error, where), {
    details: {
      where,
      issues: result.error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message })),
    },
  });
}
