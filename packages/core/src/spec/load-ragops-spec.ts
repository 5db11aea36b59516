import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, InvalidInputError, NotFoundError } from '../errors/ragops-error.ts';
import { type ChainSpec, type IndexSpec, type RagopsSpec, ragopsSpecSchema } from './ragops-spec.ts';
import { SpecLocations } from './spec-locations.ts';

/**
 * A loaded ragops.yaml: the validated spec, the raw document (for sections other modules own), where,
 * and `locations` to parse those sections with `file:line: key.path: message` errors:
 * `loaded.locations.parse(endpointsSpecSchema, loaded.document.endpoints ?? {}, ['endpoints'])`.
 */
export type LoadedRagopsSpec = {
  path: string;
  dir: string;
  spec: RagopsSpec;
  document: Record<string, unknown>;
  locations: SpecLocations;
};

/**
 * Reads and validates `ragops.yaml`. Problems are InvalidInputError lines `ragops.yaml:<line>:<col>:
 * message` for YAML syntax, `ragops.yaml:<line>: chains.docs_qa.llm.provider: message` for schema errors.
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
  const { locations, value } = SpecLocations.parse(text, where);
  const raw: unknown = value ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidInputError(`${where}: the top level must be a mapping with indexes: and chains:`);
  }
  const spec = locations.parse(ragopsSpecSchema, raw, []);
  for (const [name, chain] of Object.entries(spec.chains)) {
    if (!spec.indexes[chain.index]) {
      throw locations.error(
        ['chains', name, 'index'],
        `"${chain.index}" is not defined under indexes: (defined: ${Object.keys(spec.indexes).join(', ') || 'none'})`,
      );
    }
  }
  const path = resolve(where);
  return { path, dir: dirname(path), spec, document: raw as Record<string, unknown>, locations };
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
