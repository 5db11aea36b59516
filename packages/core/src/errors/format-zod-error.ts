import type { z } from 'zod';

/** One line per issue, each naming where (`where.path.to.field`) and what is wrong. */
export function formatZodError(error: z.ZodError, where: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      return `${where}${path}: ${issue.message}`;
    })
    .join('\n');
}
