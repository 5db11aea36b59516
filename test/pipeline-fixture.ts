// The project `ragops pipeline run` tests work on: a copy of the quickstart corpus (docs/, evals/,
// prompts/) in a temporary folder, with a ragops.yaml whose gates the test chooses.
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './index-cli-helpers.ts';

export const PIPELINE_MODEL = 'dev.qs.docs_qa';

/** The spec of the quickstart chain; `aliasGates` is the YAML under `gates: <model>:` (indented 4). */
export const pipelineSpec = (aliasGates: string) => `version: 1
indexes:
  dev.qs.docs:
    source: docs
    chunker: { strategy: recursive, size: 1000, overlap: 150 }
    embedder: { provider: hash, model: hash-v2, dimensions: 1024 }
chains:
  docs_qa:
    index: dev.qs.docs
    retriever: { k: 5, mode: hybrid }
    prompt: prompts/rag-answer.md
    llm: { provider: extractive, model: extractive-v1, params: {} }
gates:
  ${PIPELINE_MODEL}:
${aliasGates}
`;

/** A fresh temporary project: the quickstart folders copied and `spec` written as ragops.yaml. */
export async function createPipelineProject(prefix: string, spec: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  for (const folder of ['docs', 'evals', 'prompts'])
    await cp(join(ROOT, folder), join(dir, folder), { recursive: true });
  await writeFile(join(dir, 'ragops.yaml'), spec);
  return dir;
}
