import type { Command } from 'commander';

/** A top-level command: what `ragops --help` lists, and the module that defines it, loaded only when used. */
export type CommandGroup = { description: string; load: () => Promise<(command: Command) => void> };

/**
 * Every top-level command, one line each. `ragops --help` needs only these descriptions; `ragops
 * models list` loads the models module alone (and it loads LanceDB or the RAG runtime only in the
 * actions that use them). Measured with `npm run bench:cli`.
 */
export const COMMAND_GROUPS: Record<string, CommandGroup> = {
  index: {
    description: 'build, rebuild, version and query vector indexes',
    load: async () => (await import('./commands/index.ts')).registerIndexCommands,
  },
  init: {
    description: 'create the metadata store in RAGOPS_HOME and the dev, staging and prod catalogs (idempotent)',
    load: async () => (await import('./commands/init.ts')).registerInitCommands,
  },
  catalogs: {
    description: 'catalogs: the top level of catalog.schema.name',
    load: async () => (await import('./commands/catalogs.ts')).registerCatalogsCommands,
  },
  schemas: {
    description: 'schemas: a use case or team inside a catalog',
    load: async () => (await import('./commands/schemas.ts')).registerSchemasCommands,
  },
  models: {
    description: 'registered RAG models: versions, aliases, copy, lineage',
    load: async () => (await import('./commands/models.ts')).registerModelsCommands,
  },
  principals: {
    description: 'users and service principals',
    load: async () => (await import('./commands/principals.ts')).registerPrincipalsCommands,
  },
  tokens: {
    description: 'API tokens (stored hashed; the secret is shown once)',
    load: async () => (await import('./commands/tokens.ts')).registerTokensCommands,
  },
  grants: {
    description: 'privileges on a catalog, schema or model, inherited downward',
    load: async () => (await import('./commands/grants.ts')).registerGrantsCommands,
  },
  audit: {
    description: 'audited mutations: who did what to which object, when (admin)',
    load: async () => (await import('./commands/audit.ts')).registerAuditCommands,
  },
  endpoints: {
    description: 'serving endpoints: name → served model versions (traffic split, shadow)',
    load: async () => (await import('./commands/endpoints.ts')).registerEndpointsCommands,
  },
  eval: {
    description: 'evaluation runs: a model version scored on a dataset by judges, resumable, compared',
    load: async () => (await import('./commands/eval.ts')).registerEvalCommands,
  },
  promote: {
    description: 'move an alias through its promotion gate: evidence, decision table, audited move',
    load: async () => (await import('./commands/promote.ts')).registerPromoteCommands,
  },
  pipeline: {
    description: 'rebuild → register → evaluate → promote through the gates, idempotent (the job cron or CI runs)',
    load: async () => (await import('./commands/pipeline.ts')).registerPipelineCommands,
  },
  feedback: {
    description: 'human feedback: list, stats per version and arm (with intervals), export as eval rows',
    load: async () => (await import('./commands/feedback.ts')).registerFeedbackCommands,
  },
  monitor: {
    description: 'metric tables per window × endpoint × version × arm × slice: refresh, show',
    load: async () => (await import('./commands/monitor.ts')).registerMonitorCommands,
  },
  inference: {
    description: 'the inference table: one row per served request (admin)',
    load: async () => (await import('./commands/inference.ts')).registerInferenceCommands,
  },
};
