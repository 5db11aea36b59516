// The provider file the project ships for a user's OWN promptfoo config: a YAML config naming
// `file://node_modules/@ragops/evals/promptfoo-provider.mjs` (as docs/evaluation.md shows), run
// through promptfoo's own evaluate API, offline; the answers are the chain host's (with their
// retrieved passages), the provider's id is `ragops:models:/…@champion`, and a principal without
// EXECUTE on the model gets promptfoo's in-band error on every row, never an answer.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setAlias } from '@ragops/core';
import { guardOutboundFetch, promptfooEnv } from '@ragops/evals';
import { createChainHost } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';

const QUESTIONS = ['What does the champion alias mark?', 'How do endpoints split traffic?'];

/** The user's config, as a user would write it (the provider path relative to the project root). */
function userConfig(home: string, env: Record<string, string> = {}): string {
  return `description: my own promptfoo config
prompts: ['{{question}}']
providers:
  - id: file://node_modules/@ragops/evals/promptfoo-provider.mjs
    config:
      model: models:/${EVAL_MODEL}@champion
      home: ${JSON.stringify(home)}
    env: ${JSON.stringify(env)}
tests:
${QUESTIONS.map((q) => `  - vars: { question: ${JSON.stringify(q)} }\n    assert: [{ type: regex, value: '\\[\\d+\\]' }]`).join('\n')}
`;
}

type Summary = {
  results: {
    success: boolean;
    provider: { id: string };
    vars: { question: string };
    response?: { output?: string; error?: string; metadata?: { context?: string[] } };
    error?: string | null;
  }[];
};

async function evaluateUserConfig(f: EvalFixture, yaml: string): Promise<Summary> {
  const path = join(f.home, 'promptfooconfig.yaml');
  await writeFile(path, yaml);
  Object.assign(process.env, promptfooEnv(f.home));
  const guard = guardOutboundFetch();
  try {
    const promptfoo = (await import('promptfoo')).default;
    const suite = parseYaml(await readFile(path, 'utf8'));
    const record = await promptfoo.evaluate(suite, { cache: false, maxConcurrency: 2, showProgressBar: false });
    return (await record.toEvaluateSummary()) as unknown as Summary;
  } finally {
    guard.release();
  }
}

describe('the shipped promptfoo provider in a user config', () => {
  let f: EvalFixture;
  beforeAll(async () => {
    f = await startEvalFixture('sqlite');
    const version = await f.registerVersion();
    await setAlias({ ...f.adminCtx, name: EVAL_MODEL, alias: 'champion', version });
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it('answers each test through the chain host, with the retrieved passages as context', async () => {
    const summary = await evaluateUserConfig(f, userConfig(f.home));
    const host = createChainHost({ store: f.store, home: f.home, actorName: 'system:evals' });
    expect(summary.results).toHaveLength(QUESTIONS.length);
    for (const result of summary.results) {
      expect(result.provider.id).toBe(`ragops:models:/${EVAL_MODEL}@champion`);
      const direct = await host.answer({ modelUri: `models:/${EVAL_MODEL}@champion`, question: result.vars.question });
      if (!direct.ok) throw new Error(direct.failure.message);
      expect(result.response?.output).toBe(direct.answer.answer);
      expect(result.response?.metadata?.context).toEqual(direct.answer.contexts.map((c) => c.text));
      expect(result.success).toBe(true);
    }
  }, 120_000);

  it('refuses a principal without EXECUTE on the model: every row is an in-band error', async () => {
    const { token } = await f.principal('reader', ['READ']);
    const summary = await evaluateUserConfig(f, userConfig(f.home, { RAGOPS_TOKEN: token }));
    expect(summary.results).toHaveLength(QUESTIONS.length);
    for (const result of summary.results) {
      expect(result.response?.output).toBeUndefined();
      expect(result.response?.error ?? result.error).toMatch(/permission|EXECUTE/i);
      expect(result.success).toBe(false);
    }
  }, 120_000);
});
