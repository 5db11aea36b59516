import { formatThreeLevelName, parseModelUri } from '@ragops/core';
import { z } from 'zod';

/** The settings of a RagopsChatModel that are data (the host, store and principal are objects). */
export const chatModelSettingsSchema = z.strictObject({
  /** `models:/catalog.schema.model@alias` (re-resolved on every call) or `models:/catalog.schema.model/N`. */
  modelUri: z
    .string()
    .max(400)
    .transform((value, ctx) => {
      try {
        return { modelUri: value, modelName: formatThreeLevelName(parseModelUri(value).name) };
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
  /** Budget for a whole call (resolution, retrieval, generation), as the serving timeout. Default none. */
  timeoutMs: z.number().int().positive().max(600_000).optional(),
  /**
   * What of the messages and answer the inference row stores: `full` (the server's default) or
   * `none` (typed columns only).
   */
  content: z.enum(['full', 'none']).default('full'),
});
export type ChatModelSettings = z.input<typeof chatModelSettingsSchema>;

/** Parsed settings, the URI's model name beside it. */
export type ParsedChatModelSettings = {
  modelUri: string;
  modelName: string;
  timeoutMs: number | undefined;
  content: 'full' | 'none';
};

/** Flattens the parsed schema output into ParsedChatModelSettings. */
export function flattenSettings(parsed: z.output<typeof chatModelSettingsSchema>): ParsedChatModelSettings {
  return { ...parsed.modelUri, timeoutMs: parsed.timeoutMs, content: parsed.content };
}
