import { InvalidInputError, type ModelVersionPackageInput, RagopsError } from '@ragops/core';
import {
  assertBuildMatches,
  type EmbedderConfig,
  getIndexBuild,
  pinIndexVersion,
  registryPinTag,
  unpinIndexVersion,
} from '@ragops/rag';
import type { ServerLogger } from '../logger.ts';

/**
 * What `ragops models register` (registerChain) guarantees, for packages posted to the API: the
 * pinned index build exists in this server's RAGOPS_HOME (NotFoundError otherwise), the package's
 * chunker and embedder match that build (InvalidInputError), and the index version is tagged so
 * cleanup never removes it — before the version exists, so a compaction cannot race the registration.
 */
export async function pinPackagedIndex(home: string, pkg: ModelVersionPackageInput): Promise<void> {
  // Runs as createModelVersion's `prepare` hook: after authorization, before the version exists.
  const build = await getIndexBuild(home, pkg.index.name, pkg.index.version);
  try {
    assertBuildMatches({
      chainName: pkg.chain.name,
      build,
      // Checked field by field against the build; missing fields are reported as differences.
      chunker: pkg.chain.chunker as { strategy: string; size: number; overlap: number },
      embedder: pkg.chain.embedder as EmbedderConfig,
    });
  } catch (error) {
    // registerChain reports a spec/build mismatch as a config error; here the body is what is wrong.
    if (RagopsError.isInstance(error) && error.code === 'config_error') {
      throw new InvalidInputError(`body.package: ${error.message}`, { cause: error, details: error.details });
    }
    throw error;
  }
  await pinIndexVersion(home, build.index, build.version, registryPinTag(build.version));
}

/**
 * After a version is deleted and no other version pins its index version: removes the pin, as
 * `ragops models delete-version` does. The deletion already committed, so a failure here is logged
 * and reported (`false`), not thrown: the only cost is an index version kept past cleanup.
 */
export async function unpinUnusedIndex(
  home: string,
  index: { name: string; version: number },
  logger: ServerLogger,
): Promise<boolean> {
  try {
    await unpinIndexVersion(home, index.name, registryPinTag(index.version));
    return true;
  } catch (err) {
    logger.warn({ err, index: index.name, indexVersion: index.version }, 'could not unpin index version');
    return false;
  }
}
