import type { SqlExecutor } from '../store/metadata-store.ts';
import type { PinnedIndex } from './model-version-package.ts';
import type { ServiceContext } from './service-context.ts';
import { nowIso } from './service-context.ts';
import { resolveModelUri } from './version-service.ts';

/** A downstream link from a model version to something that uses it (an endpoint, an eval run). */
export type LineageLink = { kind: string; ref: string; relation: string; createdAt: string };

/** What the index package knows about a pinned index version (its build record), when it can tell. */
export type IndexBuildLineage = {
  documents: { id: string; sha256: string }[];
  builtAt?: string;
  gitCommit?: string;
  source?: string;
};

/** Both directions of a model version's lineage. */
export type Lineage = {
  uri: string;
  packageSha256: string;
  createdBy: string;
  createdAt: string;
  upstream: {
    index: PinnedIndex & { build: IndexBuildLineage | null };
    prompt: { name: string; path: string; sha256: string };
    gitCommit: string | null;
    specSource: string | null;
    /** Copy chain: the version this was copied from, then its source, … (URIs). */
    copiedFrom: string[];
  };
  downstream: {
    aliases: string[];
    /** Versions copied from this one. */
    copies: string[];
    /** Endpoints serving it, eval runs on it, … as recorded by those modules. */
    links: LineageLink[];
  };
};

/**
 * Records that something uses a model version (serving: `endpoint`; evals: `eval_run`), inside the
 * caller's transaction; idempotent.
 */
export async function recordLineageLink(
  tx: SqlExecutor,
  link: { versionUri: string; kind: string; ref: string; relation: string },
): Promise<void> {
  await tx.run(
    `INSERT INTO lineage_links (version_uri, kind, ref, relation, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (version_uri, kind, ref, relation) DO NOTHING`,
    [link.versionUri, link.kind, link.ref, link.relation, nowIso()],
  );
}

/** Removes a link recorded by recordLineageLink (e.g. an endpoint stops serving a version). */
export async function removeLineageLink(
  tx: SqlExecutor,
  link: { versionUri: string; kind: string; ref: string; relation: string },
): Promise<void> {
  await tx.run('DELETE FROM lineage_links WHERE version_uri = ? AND kind = ? AND ref = ? AND relation = ?', [
    link.versionUri,
    link.kind,
    link.ref,
    link.relation,
  ]);
}

/**
 * Lineage of a version (URI by number or alias): upstream index version (+ its document manifest
 * when `resolveIndexBuild` can read the build record), prompt file + hash, git commit, copy chain;
 * downstream aliases, copies and recorded links. Needs READ.
 */
export async function getLineage(
  ctx: Omit<ServiceContext, 'requestId'> & {
    uri: string;
    resolveIndexBuild?: (index: PinnedIndex) => Promise<IndexBuildLineage | undefined>;
  },
): Promise<Lineage> {
  const v = await resolveModelUri({ store: ctx.store, actor: ctx.actor, uri: ctx.uri });
  const pkg = v.package;
  const copiedFrom: string[] = [];
  let source = v.source?.uri ?? null;
  // Copies of copies: follow the chain (bounded: a cycle is impossible, but stay defensive).
  while (source && copiedFrom.length < 20) {
    copiedFrom.push(source);
    const [, rest] = source.split('models:/');
    const [name, num] = (rest ?? '').split('/');
    const [c, s, m] = (name ?? '').split('.');
    const row = await ctx.store.get<{ source_uri: string | null }>(
      'SELECT source_uri FROM model_versions WHERE catalog = ? AND schema = ? AND model = ? AND version = ?',
      [c ?? '', s ?? '', m ?? '', Number(num)],
    );
    source = row?.source_uri ?? null;
  }
  const copies = await ctx.store.all<{ catalog: string; schema: string; model: string; version: number }>(
    'SELECT catalog, schema, model, version FROM model_versions WHERE source_uri = ? ORDER BY catalog, schema, model, version',
    [v.uri],
  );
  const links = await ctx.store.all<{ kind: string; ref: string; relation: string; created_at: string }>(
    'SELECT kind, ref, relation, created_at FROM lineage_links WHERE version_uri = ? ORDER BY kind, ref',
    [v.uri],
  );
  const build = ctx.resolveIndexBuild ? ((await ctx.resolveIndexBuild(pkg.index)) ?? null) : null;
  return {
    uri: v.uri,
    packageSha256: v.packageSha256,
    createdBy: v.createdBy,
    createdAt: v.createdAt,
    upstream: {
      index: { ...pkg.index, build },
      prompt: { name: pkg.chain.prompt.name, path: pkg.chain.prompt.path, sha256: pkg.chain.prompt.sha256 },
      gitCommit: pkg.run.gitCommit ?? null,
      specSource: pkg.run.specSource ?? null,
      copiedFrom,
    },
    downstream: {
      aliases: v.aliases,
      copies: copies.map((r) => `models:/${r.catalog}.${r.schema}.${r.model}/${Number(r.version)}`),
      links: links.map((l) => ({ kind: l.kind, ref: l.ref, relation: l.relation, createdAt: l.created_at })),
    },
  };
}
