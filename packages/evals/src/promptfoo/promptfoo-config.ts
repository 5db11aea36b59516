import { readFile } from 'node:fs/promises';
import { InvalidInputError, NotFoundError } from '@ragops/core';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';

// promptfoo validates each assertion itself; we check the shape we rely on (a type, optional
// metric) and keep the rest as promptfoo documents it.
const assertionSchema = z.looseObject({
  type: z.string().min(1).max(100),
  metric: z.string().min(1).max(100).optional(),
  value: z.unknown().optional(),
  threshold: z.number().optional(),
  contextTransform: z.string().max(10_000).optional(),
});
export type PromptfooAssertion = z.infer<typeof assertionSchema>;

/**
 * The part of a promptfoo config a bridge run takes. The provider is the model URI and the tests
 * are the dataset's rows, so `providers:` and `tests:` are refused rather than silently ignored.
 */
export const promptfooConfigSchema = z.strictObject({
  description: z.string().max(1_000).optional(),
  /** Rendered with the row's vars (`question`, `reference_answer`, `reference_doc_ids`, `tags`). Default `{{question}}`. */
  prompts: z.array(z.string().min(1).max(100_000)).min(1).max(1).optional(),
  defaultTest: z
    .strictObject({
      assert: z.array(assertionSchema).min(1).max(50),
      /** promptfoo's grading options; `provider` is replaced when `--judge-model` is given. */
      options: z.looseObject({}).optional(),
      vars: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  evaluateOptions: z
    .strictObject({ maxConcurrency: z.number().int().min(1).max(64).optional(), cache: z.boolean().optional() })
    .optional(),
});
export type PromptfooConfig = z.infer<typeof promptfooConfigSchema>;

/** A promptfoo config file (YAML or JSON) parsed and checked; errors name the file and the key. */
export async function loadPromptfooConfig(path: string): Promise<PromptfooConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`promptfoo config ${path} not found (start from evals/promptfooconfig.example.yaml)`, {
        cause: error,
      });
    }
    throw error;
  }
  if (text.length > 1_000_000) throw new InvalidInputError(`${path}: larger than 1 MB`);
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    const line = error.linePos?.[0]?.line;
    throw new InvalidInputError(`${path}${line ? `:${line}` : ''}: ${error.message.split('\n')[0]}`, { cause: error });
  }
  const parsed = promptfooConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(`${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, {
      details: { issues: parsed.error.issues },
    });
  }
  if (!parsed.data.defaultTest) {
    throw new InvalidInputError(`${path}: defaultTest.assert: name at least one assertion`);
  }
  return parsed.data;
}
