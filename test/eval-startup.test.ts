// What `ragops eval run` loads before its first row, counted in the real binary by a resolve hook:
// never promptfoo (its import alone takes ~2 s), and on an offline run neither the openai SDK nor
// the text splitters' @langchain/core and langsmith (lazy since they cost 518 of 1 146 modules).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';
import { runCliProcess } from './index-cli-helpers.ts';

const HOOK = join(import.meta.dirname, 'module-count-hook.mjs');

describe('ragops eval run start-up', () => {
  let f: EvalFixture;
  beforeAll(async () => {
    f = await startEvalFixture();
    await f.registerVersion();
    await f.writeDataset('qa', 3);
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it('loads no promptfoo, no openai SDK and no @langchain on an offline run', async () => {
    const counts = join(f.home, 'modules.json');
    const args = [
      '--json',
      'eval',
      'run',
      `models:/${EVAL_MODEL}/1`,
      '--dataset',
      'qa',
      '--datasets-dir',
      f.datasetsDir,
    ];
    const r = await runCliProcess([...args, '--judges', 'offline', '--limit', '1'], f.home, {
      RAGOPS_METADATA_URL: f.metadataUrl,
      NODE_OPTIONS: `--import ${HOOK}`,
      RAGOPS_MODULE_COUNT_FILE: counts,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'completed', rowsDone: 1 });
    const loaded = JSON.parse(await readFile(counts, 'utf8')) as {
      modules: number;
      promptfoo: number;
      packages: string[];
    };
    // The hook saw the run: the store, the chain's LanceDB index and the judges were loaded.
    expect(loaded.packages).toEqual(expect.arrayContaining(['@lancedb/lancedb', 'zod']));
    expect(loaded.promptfoo).toBe(0);
    expect(loaded.packages.filter((p) => /^(promptfoo|openai|@langchain\/|langsmith)/.test(p))).toEqual([]);
    // Nor the local-model runtimes (the transformers embedder and llama-cpp provider import on first use).
    expect(
      loaded.packages.filter((p) => /^(@huggingface\/|onnxruntime-|node-llama-cpp|@node-llama-cpp\/)/.test(p)),
    ).toEqual([]);
  }, 120_000);
});
