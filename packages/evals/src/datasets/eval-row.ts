import { z } from 'zod';

// Limits per field: generous for real eval rows, small enough that an attacker's dataset cannot
// blow up memory, logs or the run tables (the whole line is bounded too, see load-eval-dataset.ts).
const MAX_TEXT_CHARS = 64_000;
const MAX_MESSAGES = 100;
const MAX_LIST = 100;

/** Text a row may carry: no U+0000 (PostgreSQL text refuses it; no real question contains one). */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain U+0000 (NUL)');

/** Row ids: what a run and a compare name rows by; short and printable. */
export const evalRowIdSchema = text(128).regex(
  /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
  'ids are 1–128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
);

const messageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: text(MAX_TEXT_CHARS),
});

/**
 * One line of `evals/<name>.jsonl`: a question (or a conversation ending in a user turn), with what
 * the judges compare against when it is known. Unknown keys are refused (a typo such as
 * `refrence_answer` would otherwise silently disable a judge).
 */
export const evalRowSchema = z
  .strictObject({
    id: evalRowIdSchema,
    question: text(MAX_TEXT_CHARS).trim().min(1, 'must not be empty').optional(),
    messages: z.array(messageSchema).min(1).max(MAX_MESSAGES).optional(),
    reference_answer: text(MAX_TEXT_CHARS).optional(),
    reference_doc_ids: z.array(text(1_024).min(1)).min(1).max(MAX_LIST).optional(),
    tags: z
      .array(text(64).regex(/^[a-z0-9][a-z0-9_-]*$/, 'tags are lower-case letters, digits, "_" or "-"'))
      .max(32)
      .optional(),
  })
  .superRefine((row, ctx) => {
    if ((row.question === undefined) === (row.messages === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['question'], message: 'give exactly one of question or messages' });
    } else if (row.messages !== undefined && row.messages.at(-1)?.role !== 'user') {
      ctx.addIssue({ code: 'custom', path: ['messages'], message: 'the last message must be a user turn' });
    }
  });
export type EvalRow = z.infer<typeof evalRowSchema>;

/** The question a row asks: `question`, else the last user message. */
export function evalRowQuestion(row: EvalRow): string {
  return row.question ?? row.messages?.at(-1)?.content ?? '';
}
