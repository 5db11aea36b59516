import type { ProviderSettings } from '@ragops/core';
import type { ChainHost } from '@ragops/rag';
import { cliContext } from '../cli-context.ts';
import type { RegistryCli } from './registry-cli.ts';

/**
 * The chain host evaluations run through (`eval run`, `eval promptfoo`, `promote --run-missing`,
 * `pipeline run`): the spec's providers with env secrets, reading the registry as `system:evals`.
 */
export async function evalsChainHost(
  cli: RegistryCli,
  settings: ProviderSettings,
  fetch?: typeof globalThis.fetch,
): Promise<ChainHost> {
  const { createChainHost } = await import('@ragops/rag');
  const { env } = cliContext();
  return createChainHost({
    store: cli.store,
    home: cli.home,
    ...settings,
    actorName: 'system:evals',
    env,
    ...(fetch ? { fetch } : {}),
  });
}
