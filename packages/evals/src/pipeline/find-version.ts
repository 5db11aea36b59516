import {
  canonicalJson,
  listModelVersions,
  type ModelVersion,
  type ModelVersionPackage,
  RagopsError,
  sha256Hex,
} from '@ragops/core';
import type { EvalContext } from '../runs/eval-run-service.ts';

/**
 * What makes two registrations the same version: the chain spec (chunker, embedder, retriever,
 * prompt content, LLM) and the pinned index name and version. Run info (author, time, git commit of
 * the registering code) is left out, so re-registering an unchanged chain finds the version it made.
 */
export function versionContentKey(pkg: ModelVersionPackage): string {
  return sha256Hex(
    canonicalJson({
      chain: pkg.chain,
      index: { name: pkg.index.name, version: pkg.index.version },
      signature: pkg.signature,
    }),
  );
}

/** What makes two copies the same version: the source version's URI and package (as findCopyOf matches). */
export function copyContentKey(source: ModelVersion): string {
  return sha256Hex(canonicalJson({ copyOf: { uri: source.uri, packageSha256: source.packageSha256 } }));
}

/** Every version of `model`, newest first (none when the model does not exist yet); READ checked. */
async function* versionsOf(ctx: Omit<EvalContext, 'requestId'>, model: string): AsyncGenerator<ModelVersion> {
  let pageToken: string | undefined;
  do {
    let page: Awaited<ReturnType<typeof listModelVersions>>;
    try {
      page = await listModelVersions({ ...ctx, name: model, pageSize: 200, ...(pageToken && { pageToken }) });
    } catch (error) {
      if (RagopsError.isInstance(error) && error.code === 'not_found') return;
      throw error;
    }
    yield* page.items;
    pageToken = page.nextPageToken;
  } while (pageToken);
}

/** The newest version of `model` whose content (versionContentKey) is `pkg`'s, if any. */
export async function findVersionByContent(
  ctx: Omit<EvalContext, 'requestId'>,
  model: string,
  pkg: ModelVersionPackage,
): Promise<ModelVersion | undefined> {
  const key = versionContentKey(pkg);
  for await (const v of versionsOf(ctx, model)) if (versionContentKey(v.package) === key) return v;
  return undefined;
}

/** The newest version of `model` copied from `source` (same URI and package), if any. */
export async function findCopyOf(
  ctx: Omit<EvalContext, 'requestId'>,
  model: string,
  source: ModelVersion,
): Promise<ModelVersion | undefined> {
  for await (const v of versionsOf(ctx, model)) {
    if (v.source?.uri === source.uri && v.source.packageSha256 === source.packageSha256) return v;
  }
  return undefined;
}
