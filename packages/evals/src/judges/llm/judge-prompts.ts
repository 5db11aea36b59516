import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError, type PromptTemplate, parsePromptTemplate } from '@ragops/core';

/** prompts/judges/ of this repository (packages/evals/src/judges/llm → five levels up). */
export const DEFAULT_JUDGE_PROMPTS_DIR = fileURLToPath(new URL('../../../../../prompts/judges/', import.meta.url));

/**
 * Reads and parses one judge prompt (front matter + the judge's instructions, no variables: the
 * item goes in a separate, data-only message). Synchronous because judges are built synchronously
 * and the files are a few KB. NotFoundError when absent, InvalidInputError when malformed.
 */
export function loadJudgePrompt(dir: string, file: string): PromptTemplate {
  const path = join(dir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new NotFoundError(`judge prompt ${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  return parsePromptTemplate(text, `prompts/judges/${file}`);
}
