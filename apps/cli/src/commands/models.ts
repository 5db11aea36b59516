import {
  copyModelVersion,
  deleteAlias,
  deleteModelVersion,
  getLineage,
  getModel,
  listModels,
  listModelVersions,
  parseModelUri,
  parseVersionNumber,
  resolveModelUri,
  setAlias,
  updateModel,
  updateModelVersion,
} from '@ragops/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { printResult } from '../output.ts';
import { action } from '../program.ts';
import { renderLineage, renderModel, renderVersion, renderVersionList } from './models-render.ts';
import { addHomeOption, collectTag, parseFlags, resolveSpec, table, withRegistry } from './registry-cli.ts';

// The RAG runtime (LanceDB, chunkers, LLM clients) loads only in the actions that need it, so that
// `models list` and `models show` start as fast as the registry alone.
const rag = () => import('@ragops/rag');

const tagsFlag = z.record(z.string(), z.string()).optional();
const int = z.coerce.number().int().positive();
const cmd = (parent: Command, spec: string, description: string) =>
  addHomeOption(parent.command(spec).description(description));

/** `ragops models …`: register chains, versions, aliases, copy, lineage. */
export function registerModelsCommands(models: Command): void {
  cmd(
    models,
    'register <catalog.schema.model>',
    'package a ragops.yaml chain with its index version as the next model version',
  )
    .requiredOption('--chain <name>', 'chain name under chains: in ragops.yaml')
    .option('--index-version <n>', 'pin this index version (default: the current build)')
    .option('--spec <file>', 'the spec file (default: the project ragops.yaml)')
    .option('--description <text>', 'version description (default: the chain description)')
    .option('--tag <key=value>', 'version tag (repeatable)', collectTag)
    .action(
      action(async (name: string, opts: unknown, command: Command) => {
        const f = parseFlags(
          z.object({
            chain: z.string().min(1),
            indexVersion: int.optional(),
            spec: z.string().min(1).optional(),
            description: z.string().optional(),
            tag: tagsFlag,
          }),
          opts,
        );
        const { registerChain } = await rag();
        const version = await withRegistry(command, (cli) =>
          registerChain({
            ...cli,
            specPath: resolveSpec(f.spec),
            chain: f.chain,
            model: name,
            indexVersion: f.indexVersion,
            description: f.description,
            tags: f.tag,
            createSchemaIfMissing: true,
            // Which LLM providers the chain may name: ragops.yaml providers: plus this environment.
            env: process.env,
          }),
        );
        printResult(command.optsWithGlobals(), version, (v) => `registered ${v.uri}\n${renderVersion(v)}`);
      }),
    );

  cmd(models, 'list', 'models you may read')
    .option('--catalog <name>', 'only this catalog')
    .option('--schema <name>', 'only this schema')
    .action(
      action(async (opts: unknown, command: Command) => {
        const f = parseFlags(z.object({ catalog: z.string().optional(), schema: z.string().optional() }), opts);
        const page = await withRegistry(command, (cli) => listModels({ ...cli, ...f, pageSize: 1000 }));
        printResult(command.optsWithGlobals(), page, (p) =>
          table(
            ['MODEL', 'VERSIONS', 'ALIASES', 'OWNER'],
            p.items.map((m) => [
              m.fullName,
              m.lastVersion,
              m.aliases.map((a) => `${a.alias}→${a.version}`).join(' '),
              m.owner,
            ]),
          ),
        );
      }),
    );

  cmd(models, 'show <name-or-uri>', 'a model (catalog.schema.model) or one version (models:/… URI)').action(
    action(async (target: string, _opts: unknown, command: Command) => {
      const g = command.optsWithGlobals();
      if (target.startsWith('models:/')) {
        const v = await withRegistry(command, (cli) => resolveModelUri({ ...cli, uri: target }));
        printResult(g, v, renderVersion);
      } else {
        const m = await withRegistry(command, (cli) => getModel({ ...cli, name: target }));
        printResult(g, m, renderModel);
      }
    }),
  );

  cmd(models, 'versions <catalog.schema.model>', 'versions of a model, newest first').action(
    action(async (name: string, _opts: unknown, command: Command) => {
      const page = await withRegistry(command, (cli) => listModelVersions({ ...cli, name, pageSize: 1000 }));
      printResult(command.optsWithGlobals(), page, (p) => renderVersionList(p.items));
    }),
  );

  cmd(models, 'update <name-or-uri>', 'change description/tags of a model, or of a version (its package never changes)')
    .option('--description <text>', 'new description')
    .option('--tag <key=value>', 'tag (repeatable; replaces all tags)', collectTag)
    .action(
      action(async (target: string, opts: unknown, command: Command) => {
        const f = parseFlags(z.object({ description: z.string().optional(), tag: tagsFlag }), opts);
        const update = { description: f.description, tags: f.tag };
        const g = command.optsWithGlobals();
        if (target.startsWith('models:/')) {
          const uri = parseModelUri(target);
          const version = 'version' in uri.ref ? uri.ref.version : undefined;
          const v = await withRegistry(command, async (cli) => {
            const n = version ?? (await resolveModelUri({ ...cli, uri: target })).version;
            return updateModelVersion({
              ...cli,
              name: `${uri.name.catalog}.${uri.name.schema}.${uri.name.name}`,
              version: n,
              update,
            });
          });
          printResult(g, v, renderVersion);
        } else {
          const m = await withRegistry(command, (cli) => updateModel({ ...cli, name: target, update }));
          printResult(g, m, renderModel);
        }
      }),
    );

  cmd(
    models,
    'delete-version <uri>',
    'delete a version (its number is never reused; unpins its index version when unused)',
  ).action(
    action(async (target: string, _opts: unknown, command: Command) => {
      const { registryPinTag, unpinIndexVersion } = await rag();
      const result = await withRegistry(command, async (cli) => {
        const v = await resolveModelUri({ ...cli, uri: target });
        const deleted = await deleteModelVersion({ ...cli, name: v.fullName, version: v.version });
        if (!deleted.indexStillPinned)
          await unpinIndexVersion(cli.home, deleted.index.name, registryPinTag(deleted.index.version));
        return deleted;
      });
      printResult(
        command.optsWithGlobals(),
        result,
        (r) =>
          `deleted ${r.deleted}${r.indexStillPinned ? '' : ` (unpinned ${r.index.name} version ${r.index.version})`}`,
      );
    }),
  );

  cmd(
    models,
    'copy <source-uri> <catalog.schema.model>',
    'copy a version to another model (dev → staging → prod), keeping lineage',
  )
    .option('--description <text>', 'description of the new version')
    .action(
      action(async (source: string, target: string, opts: unknown, command: Command) => {
        const f = parseFlags(z.object({ description: z.string().optional() }), opts);
        const v = await withRegistry(command, (cli) =>
          copyModelVersion({ ...cli, source, target, description: f.description, createSchemaIfMissing: true }),
        );
        printResult(command.optsWithGlobals(), v, (r) => `copied ${source} → ${r.uri}\n${renderVersion(r)}`);
      }),
    );

  cmd(
    models,
    'lineage <uri>',
    'where a version came from (index build, documents, prompt, commit) and what uses it',
  ).action(
    action(async (uri: string, _opts: unknown, command: Command) => {
      const { indexBuildLineage } = await rag();
      const lineage = await withRegistry(command, (cli) =>
        getLineage({ ...cli, uri, resolveIndexBuild: indexBuildLineage(cli.home) }),
      );
      printResult(command.optsWithGlobals(), lineage, renderLineage);
    }),
  );

  const alias = models.command('alias').description('aliases: mutable names (champion, challenger) → versions');
  cmd(
    alias,
    'set <catalog.schema.model> <alias> <version>',
    'point an alias at a version (audited; a gated alias refuses)',
  )
    .option('--reason <text>', 'why (recorded in the audit log)')
    .option('--force', 'move a gated alias without its gate: needs MANAGE and --reason; recorded as an override')
    .action(
      action(async (name: string, aliasName: string, version: string, opts: unknown, command: Command) => {
        const f = parseFlags(z.object({ reason: z.string().optional(), force: z.boolean().optional() }), opts);
        const n = parseVersionNumber(version, 'version');
        // The gate lives in the evals package: loaded only here, and the project's gates: synced first.
        const { allMigrationSets, forceAliasMove } = await import('@ragops/evals');
        const { syncProjectGates } = await import('./promote.ts');
        const move = await withRegistry(
          command,
          async (cli) => {
            await syncProjectGates(cli, undefined, name);
            if (!f.force) return setAlias({ ...cli, name, alias: aliasName, version: n, reason: f.reason });
            const d = await forceAliasMove({ ...cli, name, alias: aliasName, version: n, reason: f.reason ?? '' });
            return {
              model: d.model,
              alias: d.alias,
              fromVersion: d.holderVersion,
              toVersion: d.candidateVersion,
              reason: d.reason,
            };
          },
          { migrationSets: await allMigrationSets() },
        );
        printResult(
          command.optsWithGlobals(),
          move,
          (m) => `${m.model}@${m.alias}: ${m.fromVersion ?? '(new)'} → ${m.toVersion}`,
        );
      }),
    );
  cmd(alias, 'delete <catalog.schema.model> <alias>', 'remove an alias (audited)')
    .option('--reason <text>', 'why (recorded in the audit log)')
    .action(
      action(async (name: string, aliasName: string, opts: unknown, command: Command) => {
        const f = parseFlags(z.object({ reason: z.string().optional() }), opts);
        const move = await withRegistry(command, (cli) =>
          deleteAlias({ ...cli, name, alias: aliasName, reason: f.reason }),
        );
        printResult(command.optsWithGlobals(), move, (m) => `${m.model}@${m.alias}: ${m.fromVersion} → (deleted)`);
      }),
    );
}
