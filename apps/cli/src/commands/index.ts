import { ConflictError, InvalidInputError } from '@ragops/core';
import type { BuildProgress, IndexBuild } from '@ragops/rag';
import {
  CHUNK_STRATEGIES,
  closeIndexReaders,
  defaultEmbedderConfig,
  EMBEDDER_PROVIDERS,
  type EmbedderConfig,
  queryIndex,
  RETRIEVAL_MODES,
} from '@ragops/rag/search';
import type { Command } from 'commander';
import { z } from 'zod';
import { cliContext } from '../cli-context.ts';
import { printResult, printWarning } from '../output.ts';
import { action, type GlobalOptions } from '../program.ts';
import { createProgress } from '../progress.ts';
import { indexDefinitionFromSpec } from './index-spec.ts';
import { addHomeOption, parseFlags, resolveHome, resolvePath, resolveSpec } from './registry-cli.ts';

// The whole index package (chunkers, tokenizers, LanceDB writers) loads only for the commands that
// build or inspect; `index query` and `index --help` need only @ragops/rag/search.
const rag = () => import('@ragops/rag');

const int = (min: number) => z.coerce.number().int().min(min);

const homeSchema = z.object({ home: z.string().min(1).optional() });
const buildFlagsSchema = homeSchema.extend({
  source: z.string().min(1).optional(),
  spec: z.string().min(1).optional(),
  chunker: z.enum(CHUNK_STRATEGIES).optional(),
  chunkSize: int(1).optional(),
  chunkOverlap: int(0).optional(),
  embedder: z.enum(EMBEDDER_PROVIDERS).optional(),
  embeddingModel: z.string().min(1).optional(),
  dimensions: int(1).optional(),
  baseUrl: z.url().optional(),
  apiKeyEnv: z.string().min(1).optional(),
  modelPath: z.string().min(1).optional(),
  maxFileBytes: int(1).optional(),
  batchChunks: int(1).optional(),
  full: z.boolean().optional(),
});
const rebuildFlagsSchema = homeSchema.extend({ full: z.boolean().optional(), batchChunks: int(1).optional() });
const queryFlagsSchema = homeSchema.extend({
  k: int(1).max(1000).default(5),
  mode: z.enum(RETRIEVAL_MODES).default('hybrid'),
  version: int(1).optional(),
  build: int(1).optional(),
});
const compactFlagsSchema = homeSchema.extend({ retain: int(1) });

/** Embedder flags → config, or undefined to keep the index's (or the default) embedder. */
function embedderFromFlags(f: z.infer<typeof buildFlagsSchema>): EmbedderConfig | undefined {
  if (!f.embedder && !f.embeddingModel && !f.dimensions && !f.baseUrl && !f.modelPath) return undefined;
  const provider = f.embedder ?? 'hash';
  const defaults: Record<(typeof EMBEDDER_PROVIDERS)[number], { model?: string; dimensions?: number }> = {
    hash: { model: defaultEmbedderConfig().model, dimensions: defaultEmbedderConfig().dimensions },
    openai: { model: 'text-embedding-3-small', dimensions: 1536 },
    'openai-compatible': {},
    transformers: {},
  };
  const config = {
    provider,
    model: f.embeddingModel ?? defaults[provider].model,
    dimensions: f.dimensions ?? defaults[provider].dimensions,
    ...(f.baseUrl && { baseURL: f.baseUrl }),
    ...(f.apiKeyEnv && { apiKeyEnv: f.apiKeyEnv }),
    ...(f.modelPath && { path: f.modelPath }),
  };
  if (config.model === undefined)
    throw new InvalidInputError(`--embedding-model is required for --embedder ${provider}`);
  if (config.dimensions === undefined)
    throw new InvalidInputError(`--dimensions is required for --embedder ${provider}`);
  return config as EmbedderConfig;
}

/** An abort signal fired by Ctrl-C: the build stops between batches, releases its lock, records nothing. */
function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new ConflictError('Interrupted (Ctrl-C).'));
  const { signals } = cliContext();
  signals.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => signals.off('SIGINT', onSigint) };
}

function renderBuild(b: IndexBuild & { build: number }): string {
  const d = b.counts.documents;
  const c = b.counts.chunks;
  return [
    `${b.index} build ${b.build} (table version ${b.version})${b.full ? ' (full)' : ''} in ${b.durationMs} ms`,
    `documents: ${d.added} added, ${d.changed} changed, ${d.removed} removed, ${d.unchanged} unchanged`,
    `chunks: ${c.embedded} embedded, ${c.deleted} deleted, ${c.total} total`,
  ].join('\n');
}

/** The JSON result of a build: the record without its (large) manifest. */
function buildResult(b: IndexBuild & { build: number }) {
  const { manifest, ...rest } = b;
  return { ...rest, documents: Object.keys(manifest).length };
}

/**
 * Runs a build or rebuild with what both commands share: progress on stderr, Ctrl-C as a clean
 * abort, and the result printed (JSON or text).
 */
async function runBuildCommand(
  globals: GlobalOptions,
  run: (hooks: {
    abortSignal: AbortSignal;
    onProgress: (p: BuildProgress) => void;
  }) => Promise<IndexBuild & { build: number }>,
): Promise<void> {
  const reporter = createProgress({ json: globals.json });
  const interrupt = interruptSignal();
  const build = await run({ abortSignal: interrupt.signal, onProgress: (p) => reporter.onProgress(p) }).finally(() => {
    reporter.stop();
    interrupt.dispose();
  });
  printResult(globals, buildResult(build), () => renderBuild(build));
  // Warnings (skipped files) go to stderr; --json has them in the result too.
  for (const warning of build.warnings) printWarning(warning);
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** `ragops index build|rebuild|status|history|query|compact`. */
export function registerIndexCommands(index: Command): void {
  addHomeOption(index.command('build <name>'))
    .description('build an index catalog.schema.name from a folder or .jsonl file (incremental when it exists)')
    .option(
      '--source <path>',
      'folder (md, txt, html, pdf, jsonl) or one .jsonl file (default: indexes.<name> in the spec)',
    )
    .option(
      '--spec <file>',
      'the spec file defining indexes: (used without --source; default: the project ragops.yaml)',
    )
    .option('--chunker <strategy>', `chunking strategy: ${CHUNK_STRATEGIES.join('|')}`)
    .option('--chunk-size <n>', 'chunk size (characters; tokens for --chunker token)')
    .option('--chunk-overlap <n>', 'overlap between chunks (same unit)')
    .option('--embedder <provider>', `embedder: ${EMBEDDER_PROVIDERS.join('|')} (default hash)`)
    .option('--embedding-model <model>', 'embedding model id')
    .option('--dimensions <n>', 'embedding dimensions')
    .option('--base-url <url>', 'OpenAI-protocol base URL (openai-compatible)')
    .option('--model-path <folder>', 'local ONNX model folder (transformers; never downloaded)')
    .option('--api-key-env <name>', 'environment variable holding the API key (openai default OPENAI_API_KEY)')
    .option('--max-file-bytes <n>', 'skip files larger than this (default 10 MiB)')
    .option('--batch-chunks <n>', 'chunks embedded and written per batch (default 4096)')
    .option('--full', 're-chunk and re-embed everything (needed to change embedder or chunker)')
    .action(
      action(async (name: string, raw: unknown, command: Command) => {
        const globals = command.optsWithGlobals<GlobalOptions>();
        const f = parseFlags(buildFlagsSchema, raw);
        // Without --source the index is the one ragops.yaml defines; flags still override its settings.
        const defined = f.source ? undefined : await indexDefinitionFromSpec(name, resolveSpec(f.spec));
        const chunker = {
          ...defined?.chunker,
          ...(f.chunker && { strategy: f.chunker }),
          ...(f.chunkSize !== undefined && { size: f.chunkSize }),
          ...(f.chunkOverlap !== undefined && { overlap: f.chunkOverlap }),
        };
        const embedder = embedderFromFlags(f) ?? defined?.embedder;
        const { buildIndex } = await rag();
        await runBuildCommand(globals, (hooks) =>
          buildIndex({
            home: resolveHome(f),
            name,
            source: f.source ? resolvePath(f.source) : defined!.source,
            ...(Object.keys(chunker).length > 0 && { chunker }),
            ...(embedder && { embedder }),
            ...(f.full && { full: true }),
            ...(f.maxFileBytes && { maxFileBytes: f.maxFileBytes }),
            ...(f.batchChunks && { batchChunks: f.batchChunks }),
            env: cliContext().env,
            ...hooks,
          }),
        );
      }),
    );

  addHomeOption(index.command('rebuild <name>'))
    .description('re-read the recorded source; only new and changed documents are re-embedded')
    .option('--full', 're-chunk and re-embed everything')
    .option('--batch-chunks <n>', 'chunks embedded and written per batch (default 4096)')
    .action(
      action(async (name: string, raw: unknown, command: Command) => {
        const globals = command.optsWithGlobals<GlobalOptions>();
        const f = parseFlags(rebuildFlagsSchema, raw);
        const { rebuildIndex } = await rag();
        await runBuildCommand(globals, (hooks) =>
          rebuildIndex({
            home: resolveHome(f),
            name,
            ...(f.full && { full: true }),
            ...(f.batchChunks && { batchChunks: f.batchChunks }),
            env: cliContext().env,
            ...hooks,
          }),
        );
      }),
    );

  addHomeOption(index.command('status <name>'))
    .description('current version, last build, pins and lock of an index')
    .action(
      action(async (name: string, raw: unknown, command: Command) => {
        const f = parseFlags(homeSchema, raw);
        const status = await (await rag()).getIndexStatus(resolveHome(f), name);
        printResult(command.optsWithGlobals<GlobalOptions>(), status, (s) =>
          [
            `${s.index} build ${s.lastBuild.build} of ${s.builds} at ${s.lastBuild.createdAt} (table version ${s.version})`,
            `source: ${s.lastBuild.source.path} (${s.lastBuild.source.kind})`,
            `embedder: ${s.lastBuild.embedder.provider}/${s.lastBuild.embedder.model}/${s.lastBuild.embedder.dimensions}`,
            `chunker: ${s.lastBuild.chunker.strategy} size ${s.lastBuild.chunker.size} overlap ${s.lastBuild.chunker.overlap}`,
            `documents: ${s.lastBuild.documents}, chunks: ${s.lastBuild.chunks}, builds: ${s.builds}, table versions: ${s.tableVersions}`,
            `pins: ${
              Object.entries(s.tags)
                .map(([t, v]) => `${t}→${v}`)
                .join(', ') || 'none'
            }`,
            ...(s.lock.state === 'free'
              ? []
              : [
                  `${s.lock.state === 'held' ? 'lock held' : 'stale lock (its process is gone; the next build takes it over)'}${s.lock.owner ? `: ${s.lock.owner.operation} by pid ${s.lock.owner.pid} on ${s.lock.owner.host} since ${s.lock.owner.startedAt}` : ''}`,
                ]),
            ...(s.uncommittedVersions
              ? ['unrecorded table versions exist (a crashed build); the next build restores']
              : []),
          ].join('\n'),
        );
      }),
    );

  addHomeOption(index.command('history <name>'))
    .description('every build of an index: version, counts, embedder, chunker, git commit')
    .action(
      action(async (name: string, raw: unknown, command: Command) => {
        const f = parseFlags(homeSchema, raw);
        const builds = await (await rag()).listIndexHistory(resolveHome(f), name);
        printResult(command.optsWithGlobals<GlobalOptions>(), { index: builds[0]?.index, builds }, ({ builds }) =>
          builds
            .map((b) => {
              const d = b.counts.documents;
              const flags = [
                b.full ? 'full' : 'incremental',
                b.available ? '' : 'cleaned up',
                ...b.tags.map((t) => `pin:${t}`),
              ];
              return `build ${b.build}  v${b.version}  ${b.createdAt}  +${d.added} ~${d.changed} -${d.removed} =${d.unchanged}  chunks ${b.counts.chunks.total}  ${b.embedder.provider}/${b.embedder.model}  ${b.gitCommit?.slice(0, 8) ?? '-'}  ${flags.filter(Boolean).join(' ')}`;
            })
            .join('\n'),
        );
      }),
    );

  addHomeOption(index.command('query <name> <text>'))
    .description('retrieve the top-k chunks for a text (vector, full-text or hybrid)')
    .option('--k <n>', 'number of chunks', '5')
    .option('--mode <mode>', `${RETRIEVAL_MODES.join('|')}`, 'hybrid')
    .option('--build <n>', 'query build n as `index history` numbers it (time travel)')
    .option('--version <n>', 'query a table version (a build or a compaction of one)')
    .action(
      action(async (name: string, text: string, raw: unknown, command: Command) => {
        const f = parseFlags(queryFlagsSchema, raw);
        try {
          const result = await queryIndex({
            home: resolveHome(f),
            name,
            text,
            k: f.k,
            mode: f.mode,
            ...(f.version !== undefined && { version: f.version }),
            ...(f.build !== undefined && { build: f.build }),
            env: cliContext().env,
            // One query per process: LanceDB's own search, never the resident in-memory copy.
            resident: false,
          });
          printResult(
            command.optsWithGlobals<GlobalOptions>(),
            result,
            (r) =>
              r.hits
                .map((h, i) => {
                  const where = [...new Set([h.title, ...h.headingPath].filter(Boolean))].join(' > ');
                  const snippet = h.text.replace(/\s+/g, ' ').slice(0, 200);
                  return `${i + 1}. ${h.documentId} [${h.startChar}-${h.endChar}] score ${h.score.toFixed(4)}${where ? ` — ${where}` : ''}\n   ${snippet}`;
                })
                .join('\n') || 'no results',
          );
        } finally {
          await closeIndexReaders();
        }
      }),
    );

  addHomeOption(index.command('compact <name>'))
    .description('compact data files and remove old versions, keeping the last N builds and every pinned version')
    .requiredOption('--retain <n>', 'number of most recent builds to keep readable')
    .action(
      action(async (name: string, raw: unknown, command: Command) => {
        const f = parseFlags(compactFlagsSchema, raw);
        const result = await (await rag()).compactIndex({ home: resolveHome(f), name, retain: f.retain });
        printResult(command.optsWithGlobals<GlobalOptions>(), result, (r) =>
          [
            `${r.index} compacted to version ${r.version}: ${r.compaction.fragmentsRemoved} fragments merged into ${r.compaction.fragmentsAdded}`,
            `removed ${r.cleanup.versionsRemoved} old versions; on disk ${mib(r.cleanup.bytesBefore)} → ${mib(r.cleanup.bytesAfter)}; builds still readable: ${r.retainedBuilds.join(', ')}`,
            ...(r.keptByAge.length > 0
              ? [
                  `kept ${r.keptByAge.length} more versions (${r.keptByAge.join(', ')}): Lance removes versions by age and stops at the oldest pin`,
                ]
              : []),
          ].join('\n'),
        );
      }),
    );
}
