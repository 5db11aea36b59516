import { addGrant, listGrants, PRIVILEGES, privilegeSchema, revokeGrant, type Securable } from '@ragops/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { printResult } from '../output.ts';
import { action } from '../program.ts';
import { addHomeOption, parseFlags, table, withRegistry } from './registry-cli.ts';

/** `dev` → catalog, `dev.s` → schema, `dev.s.m` → model. */
export function securableOf(name: string): Securable {
  const dots = name.split('.').length;
  return { type: dots === 1 ? 'catalog' : dots === 2 ? 'schema' : 'model', name };
}

const privilegeArg = (value: string) =>
  parseFlags(z.object({ privilege: privilegeSchema }), { privilege: value.toUpperCase() }).privilege;

/** `ragops grants add|revoke|list`. */
export function registerGrantsCommands(grants: Command): void {
  grants.addHelpText('after', `\nprivileges: ${PRIVILEGES.join(', ')}`);
  addHomeOption(
    grants
      .command('add <principal> <privilege> <securable>')
      .description('grant, e.g. `grants add bob READ dev.support` (needs MANAGE)'),
  ).action(
    action(async (principal: string, privilege: string, securable: string, _opts: unknown, command: Command) => {
      const grant = { principal, privilege: privilegeArg(privilege), securable: securableOf(securable) };
      const result = await withRegistry(command, (cli) => addGrant({ ...cli, grant }));
      printResult(
        command.optsWithGlobals(),
        result,
        (g) => `granted ${g.privilege} on ${g.securable.type} ${g.securable.name} to ${g.principal}`,
      );
    }),
  );

  addHomeOption(
    grants.command('revoke <principal> <privilege> <securable>').description('revoke a grant (needs MANAGE)'),
  ).action(
    action(async (principal: string, privilege: string, securable: string, _opts: unknown, command: Command) => {
      const grant = { principal, privilege: privilegeArg(privilege), securable: securableOf(securable) };
      const result = await withRegistry(command, (cli) => revokeGrant({ ...cli, grant }));
      printResult(
        command.optsWithGlobals(),
        result,
        (g) => `revoked ${g.privilege} on ${g.securable.type} ${g.securable.name} from ${g.principal}`,
      );
    }),
  );

  addHomeOption(grants.command('list').description('grants on --on <securable>, of --principal, or all (admin)'))
    .option('--on <securable>', 'catalog, catalog.schema or catalog.schema.model')
    .option('--principal <name>', 'grants held by this principal')
    .action(
      action(async (opts: unknown, command: Command) => {
        const f = parseFlags(z.object({ on: z.string().optional(), principal: z.string().optional() }), opts);
        const page = await withRegistry(command, (cli) =>
          listGrants({
            ...cli,
            securable: f.on ? securableOf(f.on) : undefined,
            principal: f.principal,
            pageSize: 1000,
          }),
        );
        printResult(command.optsWithGlobals(), page, (p) =>
          table(
            ['PRINCIPAL', 'PRIVILEGE', 'ON', 'GRANTED BY', 'AT'],
            p.items.map((g) => [
              g.principal,
              g.privilege,
              `${g.securable.type} ${g.securable.name}`,
              g.grantedBy,
              g.createdAt,
            ]),
          ),
        );
      }),
    );
}
