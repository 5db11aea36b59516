import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { parseInput } from '../errors/parse-input.ts';
import { ConfigError, InvalidInputError, NotFoundError } from '../errors/ragops-error.ts';
import { type ChainSpec, type IndexSpec, type RagopsSpec, ragopsSpecSchema } from './ragops-spec.ts';

/** A loaded ragops.yaml: the validated spec, the raw document (for sections other modules own), where. */
export type LoadedRagopsSpec = { path: string; dir: string; spec: RagopsSpec; document: Record<string, unknown> };

/**
 * Reads and validates `ragops.yaml`. Problems are InvalidInputError lines `ragops.yaml:<line>:<col>`
 * for YAML syntax, `ragops.yaml.chains.docs_qa.llm.provider: …` for schema errors.
 * @example const { spec } = await loadRagopsSpec('ragops.yaml')
 */
export async function loadRagopsSpec(path: string): Promise<LoadedRagopsSpec> {
  const absolute = resolve(path);
  const text = await readFile(absolute, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT')
      throw new NotFoundError(`${path} not found: create it or pass --spec <file>`, { cause: error });
    throw error;
  });
  return parseRagopsSpec(text, path);
}

/** Parses ragops.yaml text; `where` is the file's path (named in messages; relative paths resolve from its folder). */
export function parseRagopsSpec(text: string, where: string): LoadedRagopsSpec {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map(
      (e) => `${where}:${e.linePos?.[0]?.line ?? '?'}:${e.linePos?.[0]?.col ?? '?'}: ${e.message.split('\n')[0]}`,
    );
    throw new InvalidInputError(lines.join('\n'));
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidInputError(`${where}: the top level must be a mapping with indexes: and chains:`);
  }
  const spec = parseInput(ragopsSpecSchema, raw, where);
  for (const [name, chain] of Object.entries(spec.chains)) {
    if (!spec.indexes[chain.index]) {
      throw new InvalidInputError(
        `${where}.chains.${name}.index: "${chain.index}" is not defined under indexes: (defined: ${Object.keys(spec.indexes).join(', ') || 'none'})`,
      );
    }
  }
  const path = resolve(where);
  return { path, dir: dirname(path), spec, document: raw as Record<string, unknown> };
}

/** A chain and its index from a loaded spec; ConfigError naming the chains that exist. */
export function getChainSpec(
  loaded: LoadedRagopsSpec,
  name: string,
): { chain: ChainSpec; index: IndexSpec; indexName: string } {
  const chain = loaded.spec.chains[name];
  if (!chain) {
    throw new ConfigError(
      `chain "${name}" is not defined in ${loaded.path} (chains: ${Object.keys(loaded.spec.chains).join(', ') || 'none'})`,
    );
  }
  return { chain, index: loaded.spec.indexes[chain.index]!, indexName: chain.index };
}
