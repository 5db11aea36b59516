import {
  copyModelVersion,
  InvalidInputError,
  type ModelVersion,
  parseThreeLevelName,
  resolveModelUri,
} from '@ragops/core';
import { type BuildIndexResult, buildIndex, packageChain, registerPackagedChain } from '@ragops/rag';
import { createOrReread, waitingForOtherBuilds } from './concurrent-pipelines.ts';
import { copyContentKey, findCopyOf, findVersionByContent, versionContentKey } from './find-version.ts';
import { CATALOG_ORDER, type PipelineOptions } from './pipeline-options.ts';
import type { PipelineStep } from './pipeline-report.ts';

/**
 * Rebuilds the chain's index incrementally; an unchanged corpus (same document hashes as the last
 * build's manifest) writes nothing and keeps the last build, so the next step finds its version.
 */
export async function buildStep(
  o: PipelineOptions,
  indexName: string,
): Promise<{ step: PipelineStep; build: BuildIndexResult }> {
  const build = await waitingForOtherBuilds(
    () =>
      buildIndex({
        home: o.home,
        name: indexName,
        source: o.index.source,
        ...(o.index.chunker && { chunker: o.index.chunker }),
        ...(o.index.embedder && { embedder: o.index.embedder }),
        ...(o.full && { full: true }),
        onlyIfChanged: true,
        ...(o.env && { env: o.env }),
      }),
    { onWait: (message) => o.onProgress?.(`build: ${message}`) },
  );
  const ids = { index: build.index, build: build.build, indexVersion: build.version };
  if (build.unchanged) {
    return {
      step: { step: 'build', status: 'skipped', summary: `${indexName}: corpus unchanged, build ${build.build}`, ids },
      build,
    };
  }
  const d = build.counts.documents;
  const summary = `${indexName}: build ${build.build} (table version ${build.version}): ${d.added} added, ${d.changed} changed, ${d.removed} removed, ${d.unchanged} unchanged`;
  return { step: { step: 'build', status: 'done', summary, ids }, build };
}

/**
 * Registers the chain pinned to `build`, unless a version with the same content exists already. The
 * version carries its content key, so of two pipelines registering at once (processes or hosts on
 * one store) the store lets one in and the other reports the first's version as found.
 */
export async function registerStep(
  o: PipelineOptions,
  model: string,
  build: BuildIndexResult,
): Promise<{ step: PipelineStep; version: ModelVersion }> {
  const packaged = await packageChain({ ...o, indexVersion: build.version, env: o.env ?? {} });
  const find = () => findVersionByContent(o, model, packaged.package);
  const existing = await find();
  const { version, created } = existing
    ? { version: existing, created: false }
    : await createOrReread(
        () =>
          registerPackagedChain({
            ...o,
            model,
            packaged,
            description: `${packaged.description ?? o.chain} (pipeline: index ${build.index} version ${build.version})`,
            createSchemaIfMissing: true,
            contentKey: versionContentKey(packaged.package),
          }),
        find,
      );
  const step: PipelineStep = created
    ? { step: 'register', status: 'done', summary: `registered ${version.uri}`, ids: { uri: version.uri } }
    : {
        step: 'register',
        status: 'skipped',
        summary: `${version.uri} has this chain and index version already`,
        ids: { uri: version.uri },
      };
  return { step, version };
}

/** The catalog a copy into `catalog` comes from: `from`, else the one before it in dev → staging → prod. */
export function sourceCatalog(catalog: string, from: string | undefined): string {
  if (from !== undefined) return from;
  const at = CATALOG_ORDER.indexOf(catalog as (typeof CATALOG_ORDER)[number]);
  if (at <= 0) {
    throw new InvalidInputError(
      `--catalog ${catalog}: not the index's catalog and not after one in ${CATALOG_ORDER.join(' → ')}; pass --from <catalog> to copy from`,
    );
  }
  return CATALOG_ORDER[at - 1]!;
}

/**
 * Copies `@champion` of the same model in the source catalog (deploy-model: the package and its pinned
 * index version move, lineage records where from), unless that version was copied here already.
 */
export async function copyStep(
  o: PipelineOptions,
  model: string,
  from: string,
): Promise<{ step: PipelineStep; version: ModelVersion }> {
  const n = parseThreeLevelName(model);
  const sourceUri = `models:/${from}.${n.schema}.${n.name}@champion`;
  const source = await resolveModelUri({ store: o.store, actor: o.actor, uri: sourceUri });
  const find = () => findCopyOf(o, model, source);
  const existing = await find();
  if (existing) return copySkipped(existing, source);
  const { version, created } = await createOrReread(
    () =>
      copyModelVersion({
        ...o,
        source: source.uri,
        target: model,
        createSchemaIfMissing: true,
        contentKey: copyContentKey(source),
      }),
    find,
  );
  if (!created) return copySkipped(version, source);
  return {
    step: {
      step: 'copy',
      status: 'done',
      summary: `copied ${source.uri} to ${version.uri}`,
      ids: { uri: version.uri, source: source.uri },
    },
    version,
  };
}

function copySkipped(existing: ModelVersion, source: ModelVersion): { step: PipelineStep; version: ModelVersion } {
  const summary = `${existing.uri} is a copy of ${source.uri} already`;
  return {
    step: { step: 'copy', status: 'skipped', summary, ids: { uri: existing.uri, source: source.uri } },
    version: existing,
  };
}
