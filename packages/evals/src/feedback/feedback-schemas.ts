import { z } from 'zod';
import { evalRowIdSchema } from '../datasets/eval-row.ts';
import { CRITERION_NAMES, type CriterionName, FEEDBACK_CRITERIA } from './feedback-criteria.ts';

// Bounds on what one feedback carries: a comment is a few paragraphs; a corrected answer may be as
// long as an eval row's reference answer (64 000), so an export is always a valid dataset row.
export const FEEDBACK_LIMITS = { commentChars: 4_000, correctedAnswerChars: 64_000 } as const;

/** Free text: bounded, no U+0000 (PostgreSQL text refuses it; no real comment contains one). */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain U+0000 (NUL)');

/** A serving request id: what hono's request-id middleware accepts, as `chatcmpl-<id>` or bare. */
export const requestIdSchema = z
  .string()
  .regex(/^(?:chatcmpl-)?[\w=-]{1,200}$/, 'use the id a chat completion returned (chatcmpl-…) or its request id')
  .transform((id) => id.replace(/^chatcmpl-/, ''));

export const feedbackTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('inference'), requestId: requestIdSchema }),
  z.strictObject({
    kind: z.literal('eval_row'),
    runId: z.string().regex(/^er_[0-9a-f]{12}$/, 'eval run ids look like er_0123456789ab'),
    rowId: evalRowIdSchema,
  }),
]);
export type FeedbackTarget = z.output<typeof feedbackTargetSchema>;

export const ratingSchema = z.discriminatedUnion('scale', [
  z.strictObject({ scale: z.literal('thumbs'), value: z.union([z.literal(0), z.literal(1)]) }),
  z.strictObject({ scale: z.literal('five'), value: z.number().int().min(1).max(5) }),
]);
export type Rating = z.output<typeof ratingSchema>;

/** Per-criterion labels on the judges' 0–1 scale, each one of the criterion's levels. */
export const labelsSchema = z
  .partialRecord(z.enum(CRITERION_NAMES as [CriterionName, ...CriterionName[]]), z.number())
  .superRefine((labels, ctx) => {
    for (const [name, value] of Object.entries(labels)) {
      const levels: readonly number[] = FEEDBACK_CRITERIA[name as CriterionName].levels;
      if (!levels.includes(value))
        ctx.addIssue({ code: 'custom', path: [name], message: `must be one of ${levels.join(', ')}` });
    }
  });

export const feedbackInputSchema = z
  .strictObject({
    target: feedbackTargetSchema,
    rating: ratingSchema.optional(),
    labels: labelsSchema.optional(),
    comment: text(FEEDBACK_LIMITS.commentChars).optional(),
    correctedAnswer: text(FEEDBACK_LIMITS.correctedAnswerChars).trim().min(1, 'must not be empty').optional(),
  })
  .refine(
    (f) => f.rating || (f.labels && Object.keys(f.labels).length > 0) || f.comment || f.correctedAnswer,
    'give a rating, labels, a comment or a corrected answer',
  );
export type FeedbackInput = z.input<typeof feedbackInputSchema>;
export type ParsedFeedbackInput = z.output<typeof feedbackInputSchema>;

/** End users rate their own requests; reviewers label items. Stored apart, never mixed in one number. */
export const FEEDBACK_SOURCES = ['end_user', 'reviewer'] as const;
export type FeedbackSource = (typeof FEEDBACK_SOURCES)[number];

/** A rating counts as approval: thumbs up, or 4–5 of five (3 is not approval). */
export function approvalOf(rating: Rating | undefined): boolean | undefined {
  if (!rating) return undefined;
  return rating.scale === 'thumbs' ? rating.value === 1 : rating.value >= 4;
}

/** The current feedback of one author on one item (earlier revisions: `feedbackHistory`). */
export type Feedback = {
  id: string;
  source: FeedbackSource;
  target: FeedbackTarget;
  author: string;
  /** What the item belongs to, fixed when the feedback was first given. */
  modelName: string;
  modelVersion: number;
  endpoint: string | null;
  /** The endpoint's served entity (`champion`, `v3`, …) that answered. */
  arm: string | null;
  rating: Rating | null;
  approved: boolean | null;
  labels: Partial<Record<CriterionName, number>>;
  comment: string | null;
  correctedAnswer: string | null;
  /** 1 for the first submission, +1 for each replacement. */
  revision: number;
  createdAt: string;
  updatedAt: string;
};

/** One stored revision: what the author said then. */
export type FeedbackRevision = Pick<Feedback, 'rating' | 'approved' | 'labels' | 'comment' | 'correctedAnswer'> & {
  revision: number;
  createdAt: string;
};

/** Filters of `listFeedback`. */
export const feedbackFilterSchema = z.strictObject({
  source: z.enum(FEEDBACK_SOURCES).optional(),
  modelName: z.string().min(1).max(500).optional(),
  modelVersion: z.number().int().positive().optional(),
  endpoint: z.string().min(1).max(100).optional(),
  arm: z.string().min(1).max(100).optional(),
  author: z.string().min(1).max(200).optional(),
  targetKind: z.enum(['inference', 'eval_row']).optional(),
  runId: z.string().min(1).max(100).optional(),
});
export type FeedbackFilter = z.input<typeof feedbackFilterSchema>;

/** The one key of an item: the same for every author and source. */
export function targetKey(t: FeedbackTarget): string {
  return t.kind === 'inference' ? `inference:${t.requestId}` : `eval_row:${t.runId}:${t.rowId}`;
}
