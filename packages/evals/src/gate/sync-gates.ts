import { type GatesSpec, syncAliasGates } from '@ragops/core';
import type { EvalContext } from '../runs/eval-run-service.ts';

/**
 * Makes the store's gates equal to a spec's `gates:` for every model the spec names (deploy-code:
 * ragops.yaml is the source of truth). Models the spec does not name keep their gates. Returns the
 * gates that changed as `model@alias`.
 */
export async function syncGates(ctx: EvalContext & { gates: GatesSpec; source: string }): Promise<string[]> {
  const changed: string[] = [];
  for (const [model, aliases] of Object.entries(ctx.gates)) {
    const names = await syncAliasGates({ ...ctx, model, aliases, source: ctx.source });
    changed.push(...names.map((a) => `${model}@${a}`));
  }
  return changed;
}
