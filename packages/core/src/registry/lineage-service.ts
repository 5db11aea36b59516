import { hasPrivilege } from '../governance/authorize.ts';
import { indexReadDenial } from '../governance/index-access.ts';
import type { ThreeLevelName } from '../names/three-level-name.ts';
import type { SqlExecutor } from '../store/metadata-store.ts';
import { formatModelUri, parseModelUri } from './model-uri.ts';
import type { ModelVersion, PinnedIndex } from './model-version-package.ts';
import { modelKey } from './registry-rows.ts';
import type { ServiceContext } from './service-context.ts';
import { nowIso } from './service-context.ts';
import { resolveModelUri } from './version-service.ts';

/**
 * A downstream link from a model version to something that uses it. `kind` names the module that
 * records it (`endpoint`: serving; `eval_run`: evals), `ref` the user (endpoint name, run id),
 * `relation` how (`serves`, `shadows`, `evaluated`). `via` is set when the link targets an alias
 * (`models:/m@champion`): it then shows under whichever version the alias points to now.
 */
export type LineageLink = { kind: string; ref: string; relation: string; createdAt: string; via?: string };

/** What the index package knows about a pinned index version (its build record), when it can tell. */
export type IndexBuildLineage = {
  documents: { id: string; sha256: string }[];
  builtAt?: string;
  gitCommit?: string;
  source?: string;
};

/** Both directions of a model version's lineage, limited to what the caller may read. */
export type Lineage = {
  uri: string;
  packageSha256: string;
  createdBy: string;
  createdAt: string;
  upstream: {
    /**
     * `build` is null when the build record is not on this machine, or when the caller may not read
     * the index; then `buildHidden` says why (its document list and source path are left out).
     */
    index: PinnedIndex & { build: IndexBuildLineage | null; buildHidden: string | null };
    prompt: { name: string; path: string; sha256: string };
    gitCommit: string | null;
    specSource: string | null;
    /** Copy chain: the version this was copied from, then its source, … (URIs). */
    copiedFrom: string[];
  };
  downstream: {
    aliases: string[];
    /** Versions copied from this one that the caller may read. */
    copies: string[];
    /** Copies in models the caller may not read: counted, not named. */
    hiddenCopies: number;
    /** Endpoints serving it (directly or through an alias), eval runs on it, … as recorded by those modules. */
    links: LineageLink[];
  };
};

/** One link as its recorder writes it: the model URI it targets, by number or alias. */
export type LineageLinkTarget = { versionUri: string; relation: string };

/**
 * Records that something uses a model version (serving: `endpoint`; evals: `eval_run`), inside the
 * caller's transaction; idempotent. `versionUri` may name an alias (`models:/m@champion`): the link
 * then follows the alias.
 */
export async function recordLineageLink(
  tx: SqlExecutor,
  link: { versionUri: string; kind: string; ref: string; relation: string },
): Promise<void> {
  await tx.run(
    `INSERT INTO lineage_links (version_uri, kind, ref, relation, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (version_uri, kind, ref, relation) DO NOTHING`,
    [canonicalUri(link.versionUri), link.kind, link.ref, link.relation, nowIso()],
  );
}

/** Removes a link recorded by recordLineageLink (e.g. an endpoint stops serving a version). */
export async function removeLineageLink(
  tx: SqlExecutor,
  link: { versionUri: string; kind: string; ref: string; relation: string },
): Promise<void> {
  await tx.run('DELETE FROM lineage_links WHERE version_uri = ? AND kind = ? AND ref = ? AND relation = ?', [
    canonicalUri(link.versionUri),
    link.kind,
    link.ref,
    link.relation,
  ]);
}

/**
 * Makes `ref`'s links of `kind` exactly `links` (an endpoint created or updated: its arms; deleted:
 * none), inside the caller's transaction. Links that stay keep their creation time.
 */
export async function replaceLineageLinks(
  tx: SqlExecutor,
  input: { kind: string; ref: string; links: readonly LineageLinkTarget[] },
): Promise<void> {
  const wanted = new Set(input.links.map((l) => `${canonicalUri(l.versionUri)} ${l.relation}`));
  const existing = await tx.all<{ version_uri: string; relation: string }>(
    'SELECT version_uri, relation FROM lineage_links WHERE kind = ? AND ref = ?',
    [input.kind, input.ref],
  );
  for (const row of existing) {
    if (!wanted.has(`${row.version_uri} ${row.relation}`)) {
      await removeLineageLink(tx, {
        versionUri: row.version_uri,
        kind: input.kind,
        ref: input.ref,
        relation: row.relation,
      });
    }
  }
  for (const link of input.links) await recordLineageLink(tx, { ...link, kind: input.kind, ref: input.ref });
}

// One spelling per target, so a link recorded for `models:/m/03` is found under `models:/m/3`.
function canonicalUri(uri: string): string {
  return formatModelUri(parseModelUri(uri));
}

/**
 * Lineage of a version (URI by number or alias): upstream index version (+ its document manifest
 * when `resolveIndexBuild` can read the build record and the caller may read the index), prompt
 * file + hash, git commit, copy chain; downstream aliases, readable copies and recorded links
 * (an alias's links under the version it points to). Needs READ on the model.
 */
export async function getLineage(
  ctx: Omit<ServiceContext, 'requestId'> & {
    uri: string;
    resolveIndexBuild?: (index: PinnedIndex) => Promise<IndexBuildLineage | undefined>;
  },
): Promise<Lineage> {
  const v = await resolveModelUri({ store: ctx.store, actor: ctx.actor, uri: ctx.uri });
  const pkg = v.package;
  const n = parseModelUri(v.uri).name;
  const copiedFrom: string[] = [];
  let source = v.source?.uri ?? null;
  // Copies of copies: follow the chain (bounded: a cycle is impossible, but stay defensive).
  while (source && copiedFrom.length < 20) {
    copiedFrom.push(source);
    const from = parseModelUri(source);
    const row = await ctx.store.get<{ source_uri: string | null }>(
      'SELECT source_uri FROM model_versions WHERE catalog = ? AND schema = ? AND model = ? AND version = ?',
      [...modelKey(from.name), 'version' in from.ref ? from.ref.version : 0],
    );
    source = row?.source_uri ?? null;
  }
  const copyRows = await ctx.store.all<{ catalog: string; schema: string; model: string; version: number }>(
    'SELECT catalog, schema, model, version FROM model_versions WHERE source_uri = ? ORDER BY catalog, schema, model, version',
    [v.uri],
  );
  const copies: string[] = [];
  for (const r of copyRows) {
    const target = { catalog: r.catalog, schema: r.schema, model: r.model };
    if (await hasPrivilege({ store: ctx.store, actor: ctx.actor, privilege: 'READ', target })) {
      copies.push(
        formatModelUri({
          name: { catalog: r.catalog, schema: r.schema, name: r.model },
          ref: { version: Number(r.version) },
        }),
      );
    }
  }
  const denial = await indexReadDenial({ store: ctx.store, actor: ctx.actor, index: pkg.index.name });
  const build = denial || !ctx.resolveIndexBuild ? null : ((await ctx.resolveIndexBuild(pkg.index)) ?? null);
  return {
    uri: v.uri,
    packageSha256: v.packageSha256,
    createdBy: v.createdBy,
    createdAt: v.createdAt,
    upstream: {
      index: {
        ...pkg.index,
        build,
        buildHidden: denial ? `document list and source path hidden: ${denial.message}` : null,
      },
      prompt: { name: pkg.chain.prompt.name, path: pkg.chain.prompt.path, sha256: pkg.chain.prompt.sha256 },
      gitCommit: pkg.run.gitCommit ?? null,
      specSource: pkg.run.specSource ?? null,
      copiedFrom,
    },
    downstream: {
      aliases: v.aliases,
      copies,
      hiddenCopies: copyRows.length - copies.length,
      links: await linksOf(ctx.store, n, v),
    },
  };
}

/** Links on the version's own URI, on each alias pointing at it, and on `@latest` when it is the latest. */
async function linksOf(db: SqlExecutor, n: ThreeLevelName, v: ModelVersion): Promise<LineageLink[]> {
  const latest = await db.get<{ v: number | null }>(
    'SELECT MAX(version) AS v FROM model_versions WHERE catalog = ? AND schema = ? AND model = ?',
    modelKey(n),
  );
  const aliases = [...v.aliases, ...(Number(latest?.v) === v.version ? ['latest'] : [])];
  const via = new Map<string, string | undefined>([[v.uri, undefined]]);
  for (const alias of aliases) via.set(formatModelUri({ name: n, ref: { alias } }), alias);
  const uris = [...via.keys()];
  const rows = await db.all<{ version_uri: string; kind: string; ref: string; relation: string; created_at: string }>(
    `SELECT version_uri, kind, ref, relation, created_at FROM lineage_links
     WHERE version_uri IN (${uris.map(() => '?').join(', ')}) ORDER BY kind, ref, version_uri, relation`,
    uris,
  );
  return rows.map((l) => {
    const alias = via.get(l.version_uri);
    return {
      kind: l.kind,
      ref: l.ref,
      relation: l.relation,
      createdAt: l.created_at,
      ...(alias === undefined ? {} : { via: alias }),
    };
  });
}
