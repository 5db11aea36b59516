import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  authenticate,
  ConfigError,
  defaultMetadataUrl,
  LOCAL_ADMIN_PRINCIPAL,
  loadRagopsSpec,
  type MetadataStore,
  modelUriSchema,
  openMetadataStore,
  readPrincipal,
  resolveModelUri,
  resolveProviderSettings,
} from '@ragops/core';
import { createChainHost } from '@ragops/rag';
import { z } from 'zod';
import { allMigrationSets } from '../store/migration-sets.ts';
import {
  chainProvider,
  inBandError,
  type PromptfooCallContext,
  type PromptfooProvider,
  type PromptfooResponse,
} from './promptfoo-provider.ts';

// The provider a user's own promptfoo config names (through packages/evals/promptfoo-provider.mjs):
//   providers: [{ id: 'file://node_modules/@ragops/evals/promptfoo-provider.mjs',
//                 config: { model: 'models:/dev.qs.docs_qa@champion' } }]
// promptfoo constructs it with { id, config: { ...config, basePath }, env }. Loaded by promptfoo, it
// is an entry point like the CLI: it reads the environment (RAGOPS_HOME, RAGOPS_METADATA_URL,
// RAGOPS_TOKEN, the provider variables) as the CLI does, and acts as the token's principal.

const optionsSchema = z.object({
  config: z.looseObject({
    /** `models:/c.s.m@alias` (each call follows the alias) or `models:/c.s.m/3`. */
    model: z
      .string()
      .max(1_000)
      .refine((v) => modelUriSchema.safeParse(v).success, 'use models:/catalog.schema.model@alias or …/<version>'),
    /** RAGOPS_HOME; default $RAGOPS_HOME, else `<basePath>/.ragops`. */
    home: z.string().min(1).optional(),
    /** The ragops.yaml whose `providers:` configure LLMs; default `<basePath>/ragops.yaml` when present. */
    spec: z.string().min(1).optional(),
    timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
    /** Set by promptfoo: the folder of the config file. */
    basePath: z.string().optional(),
  }),
  env: z.record(z.string(), z.string().optional()).optional(),
});

type Runtime = { provider: PromptfooProvider; store: MetadataStore };

/**
 * A registered model version as a provider of a user's own promptfoo config; its id is
 * `ragops:models:/c.s.m@alias`. Answers come from the chain host (the retrieved passages in
 * `metadata.context`, as the bridge's provider). The store opens on the first call; a missing
 * EXECUTE grant or an unknown model is every call's in-band `{ error }`, as promptfoo expects.
 */
export class RagopsPromptfooProvider implements PromptfooProvider {
  readonly label: string;
  readonly #model: string;
  readonly #options: z.output<typeof optionsSchema>;
  #runtime: Promise<Runtime> | undefined;

  constructor(options: unknown) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(
        `ragops promptfoo provider: ${issue.path.join('.') || 'options'}: ${issue.message} ` +
          "(e.g. config: { model: 'models:/dev.qs.docs_qa@champion' })",
      );
    }
    this.#options = parsed.data;
    this.#model = parsed.data.config.model;
    this.label = this.id();
  }

  id(): string {
    return `ragops:${this.#model}`;
  }

  async callApi(prompt: string, context?: PromptfooCallContext): Promise<PromptfooResponse> {
    try {
      this.#runtime ??= this.#open();
      return await (await this.#runtime).provider.callApi(prompt, context);
    } catch (error) {
      return inBandError(error);
    }
  }

  /** Closes the metadata store (promptfoo calls it on some paths; harmless to call twice). */
  async cleanup(): Promise<void> {
    const runtime = this.#runtime;
    this.#runtime = undefined;
    if (runtime) await (await runtime.catch(() => undefined))?.store.close();
  }

  async #open(): Promise<Runtime> {
    const { config } = this.#options;
    const env = { ...process.env, ...this.#options.env };
    const base = config.basePath || process.cwd();
    const home = config.home
      ? resolve(base, config.home)
      : env.RAGOPS_HOME
        ? resolve(env.RAGOPS_HOME)
        : resolve(base, '.ragops');
    const specPath = resolve(base, config.spec ?? 'ragops.yaml');
    const spec = config.spec !== undefined || existsSync(specPath) ? await loadRagopsSpec(specPath) : undefined;
    const settings = resolveProviderSettings({ spec: spec?.spec.providers, specPath, env });
    const store = await openMetadataStore(env.RAGOPS_METADATA_URL || defaultMetadataUrl(home), {
      migrationSets: await allMigrationSets(),
    });
    try {
      const actor = env.RAGOPS_TOKEN
        ? await authenticate(store, env.RAGOPS_TOKEN)
        : await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
      // Running a version may spend money: EXECUTE, as `ragops eval run` needs (checked once per run).
      await resolveModelUri({ store, actor, uri: this.#model, privilege: 'EXECUTE' });
      const host = createChainHost({ store, home, ...settings, actorName: 'system:evals', env });
      const timeout = config.timeoutMs ? { timeoutMs: config.timeoutMs } : {};
      return { store, provider: chainProvider({ host, target: { modelUri: this.#model }, ...timeout }) };
    } catch (error) {
      await store.close();
      throw error;
    }
  }
}
