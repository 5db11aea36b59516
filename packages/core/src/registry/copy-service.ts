import { parseInput } from '../errors/parse-input.ts';
import { authorizeIndexRead } from '../governance/index-access.ts';
import { ensureSchema } from './catalog-service.ts';
import { parseModelName } from './model-service.ts';
import type { ModelVersion } from './model-version-package.ts';
import { type Tags, tagsSchema } from './registry-schemas.ts';
import type { ServiceContext } from './service-context.ts';
import { authorizeNewVersion, insertVersion, resolveModelUri } from './version-service.ts';

/**
 * Copies a version to another model (typically dev → staging → prod): the same immutable package
 * becomes the target's next version, with lineage to the source version and the same pinned index
 * version. Needs READ on the source, MANAGE on the target model (or CREATE_MODEL on its schema when
 * it does not exist yet), and READ on the pinned index (see authorizeIndexRead).
 * @example await copyModelVersion({ store, actor, requestId, source: 'models:/dev.s.m@champion', target: 'staging.s.m' })
 */
export async function copyModelVersion(
  ctx: ServiceContext & {
    source: string;
    target: string;
    description?: string;
    tags?: Tags;
    /** Create the target's schema when missing (needs MANAGE on the target catalog). */
    createSchemaIfMissing?: boolean;
    /** At most one version of the target per key: a second copy with it is a ConflictError (see insertVersion). */
    contentKey?: string;
  },
): Promise<ModelVersion> {
  const target = parseModelName(ctx.target);
  const tags = ctx.tags === undefined ? undefined : parseInput(tagsSchema, ctx.tags, 'tags');
  const source = await resolveModelUri({ store: ctx.store, actor: ctx.actor, uri: ctx.source });
  if (ctx.createSchemaIfMissing) await ensureSchema({ ...ctx, catalog: target.catalog, schema: target.schema });
  await authorizeNewVersion(ctx, target);
  // The copy pins the source's index version too: READ on the source model is not READ on its index.
  await authorizeIndexRead({ store: ctx.store, actor: ctx.actor, index: source.package.index.name, purpose: 'pin' });
  return ctx.store.transaction((tx) =>
    insertVersion(tx, ctx, target, {
      package: source.package,
      description: ctx.description ?? source.description,
      tags: tags ?? source.tags,
      source: { uri: source.uri, packageSha256: source.packageSha256 },
      ...(ctx.contentKey !== undefined && { contentKey: ctx.contentKey }),
    }),
  );
}
