import { readFile } from 'node:fs/promises';
import {
  applyEndpointSpecs,
  createEndpoint,
  deleteEndpoint,
  type Endpoint,
  type EndpointConfigInput,
  endpointsSpecSchema,
  getEndpoint,
  InvalidInputError,
  listEndpoints,
  loadRagopsSpec,
  updateEndpoint,
} from '@ragops/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { printResult } from '../output.ts';
import { action } from '../program.ts';
import { addHomeOption, parseFlags, resolvePath, resolveSpec, table, withRegistry } from './registry-cli.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

const configFlagsSchema = z.object({
  serve: z.array(z.string()).optional(),
  shadow: z.string().optional(),
  shadowSample: z.coerce.number().min(0).max(1).optional(),
  timeoutMs: z.coerce.number().int().positive().optional(),
  rateLimit: z.coerce.number().int().positive().optional(),
  stickyHeader: z.string().min(1).optional(),
  description: z.string().optional(),
  config: z.string().optional(),
});

/** `--serve uri[=percent]` (repeatable), or `--config file.json`, → an endpoint config (validated by core). */
async function configFromFlags(opts: unknown): Promise<EndpointConfigInput> {
  const f = parseFlags(configFlagsSchema, opts);
  if (f.config !== undefined) {
    if (f.serve) throw new InvalidInputError('use either --config or --serve, not both');
    let json: unknown;
    try {
      json = JSON.parse(await readFile(resolvePath(f.config), 'utf8'));
    } catch (error) {
      throw new InvalidInputError(`--config ${f.config}: not a readable JSON file (${(error as Error).message})`, {
        cause: error,
      });
    }
    return json as EndpointConfigInput;
  }
  if (!f.serve?.length)
    throw new InvalidInputError('give at least one --serve <model-uri>[=<traffic %>] (or --config <file>)');
  const served = f.serve.map((spec) => {
    const eq = spec.lastIndexOf('=');
    if (eq < 0) {
      if (f.serve!.length === 1) return { model: spec, traffic: 100 };
      throw new InvalidInputError(`--serve ${spec}: with several entities give each a traffic share: <uri>=<percent>`);
    }
    const traffic = Number(spec.slice(eq + 1));
    if (!Number.isInteger(traffic)) {
      throw new InvalidInputError(`--serve ${spec}: the traffic share after = must be a whole percent`);
    }
    return { model: spec.slice(0, eq), traffic };
  });
  return {
    served,
    ...(f.description !== undefined && { description: f.description }),
    ...(f.shadow !== undefined && {
      shadow: { model: f.shadow, ...(f.shadowSample !== undefined && { sampleRate: f.shadowSample }) },
    }),
    ...(f.timeoutMs !== undefined && { timeoutMs: f.timeoutMs }),
    ...(f.rateLimit !== undefined && { rateLimit: { requestsPerMinute: f.rateLimit } }),
    ...(f.stickyHeader !== undefined && { sticky: { header: f.stickyHeader, openaiUser: true } }),
  };
}

function withConfigOptions(command: Command): Command {
  return addHomeOption(command)
    .option('--serve <uri[=percent]>', 'a served model URI and its traffic share (repeatable)', collect)
    .option('--shadow <uri>', 'a shadow model URI: gets a copy of traffic, logged, never returned')
    .option('--shadow-sample <rate>', 'share of requests copied to the shadow (0..1, default 1)')
    .option('--timeout-ms <ms>', 'whole-request timeout (default 60000)')
    .option('--rate-limit <rpm>', 'requests per minute per principal')
    .option('--sticky-header <name>', 'header carrying the sticky key (default x-ragops-user)')
    .option('--description <text>', 'what the endpoint is for')
    .option('--config <file>', 'the whole config as a JSON file instead of flags');
}

const render = (e: Endpoint) =>
  [
    `endpoint ${e.name}${e.config.description ? ` — ${e.config.description}` : ''}`,
    table(
      ['ENTITY', 'MODEL', 'TRAFFIC'],
      [
        ...e.config.served.map((s) => [s.name, s.model, `${s.traffic}%`]),
        ...(e.config.shadow
          ? [[e.config.shadow.name, e.config.shadow.model, `shadow ${e.config.shadow.sampleRate * 100}%`]]
          : []),
      ],
    ),
    `timeout ${e.config.timeoutMs} ms · rate limit ${e.config.rateLimit ? `${e.config.rateLimit.requestsPerMinute}/min per principal` : 'none'} · sticky header ${e.config.sticky.header}`,
    `updated ${e.updatedAt} by ${e.updatedBy}`,
  ].join('\n');

/** `ragops endpoints create|update|delete|show|list|apply`: serving endpoints in the metadata store. */
export function registerEndpointsCommands(group: Command): void {
  withConfigOptions(
    group.command('create <name>').description('create an endpoint (needs MANAGE on its models)'),
  ).action(
    action(async (name: string, opts: unknown, command: Command) => {
      const config = await configFromFlags(opts);
      const endpoint = await withRegistry(command, (cli) => createEndpoint({ ...cli, name, config }));
      printResult(command.optsWithGlobals(), endpoint, render);
    }),
  );

  withConfigOptions(group.command('update <name>').description("replace an endpoint's config")).action(
    action(async (name: string, opts: unknown, command: Command) => {
      const config = await configFromFlags(opts);
      const endpoint = await withRegistry(command, (cli) => updateEndpoint({ ...cli, name, config }));
      printResult(command.optsWithGlobals(), endpoint, render);
    }),
  );

  addHomeOption(group.command('show <name>').description('one endpoint')).action(
    action(async (name: string, _opts: unknown, command: Command) => {
      const endpoint = await withRegistry(command, (cli) => getEndpoint({ ...cli, name }));
      printResult(command.optsWithGlobals(), endpoint, render);
    }),
  );

  addHomeOption(
    group.command('delete <name>').description('delete an endpoint (needs MANAGE on its models; audited)'),
  ).action(
    action(async (name: string, _opts: unknown, command: Command) => {
      // The same service call as DELETE /api/v1/endpoints/{name}: same checks, same audit row.
      const endpoint = await withRegistry(command, (cli) => deleteEndpoint({ ...cli, name }));
      printResult(command.optsWithGlobals(), endpoint, (e) => `deleted endpoint ${e.name}`);
    }),
  );

  addHomeOption(group.command('list').description('endpoints you may see')).action(
    action(async (_opts: unknown, command: Command) => {
      const page = await withRegistry(command, (cli) => listEndpoints({ ...cli, pageSize: 1000 }));
      printResult(command.optsWithGlobals(), page, (p) =>
        table(
          ['NAME', 'SERVES', 'SHADOW', 'UPDATED'],
          p.items.map((e) => [
            e.name,
            e.config.served.map((s) => `${s.model} ${s.traffic}%`).join(', '),
            e.config.shadow?.model,
            e.updatedAt,
          ]),
        ),
      );
    }),
  );

  addHomeOption(group.command('apply').description('create or update the endpoints of ragops.yaml `endpoints:`'))
    .option('--spec <file>', 'the spec file (default: the project ragops.yaml)')
    .action(
      action(async (opts: unknown, command: Command) => {
        const f = parseFlags(z.object({ spec: z.string().min(1).optional() }), opts);
        const loaded = await loadRagopsSpec(resolveSpec(f.spec));
        const endpoints = loaded.locations.parse(endpointsSpecSchema, loaded.document.endpoints ?? {}, ['endpoints']);
        const raw = (loaded.document.endpoints ?? {}) as Record<string, EndpointConfigInput>;
        const results = await withRegistry(command, (cli) =>
          applyEndpointSpecs({
            ...cli,
            endpoints: Object.fromEntries(Object.keys(endpoints).map((k) => [k, raw[k]!])),
          }),
        );
        printResult(command.optsWithGlobals(), { endpoints: results }, (r) =>
          table(
            ['ENDPOINT', 'ACTION'],
            r.endpoints.map((e) => [e.name, e.action]),
          ),
        );
      }),
    );
}
