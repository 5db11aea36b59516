// `npm run quickstart`: the main job, offline, on embedded defaults. It runs the same `ragops`
// commands a user types (so what it shows is what they get), starts the real server, and asks it
// questions through the official `openai` SDK, and ends with a docs change going through the pipeline
// and the promotion gate. Re-runnable: every run registers new versions.
import { execFile, spawn } from 'node:child_process';
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { shellCommand } from './shell-command.ts';

const root = join(import.meta.dirname, '..');
const home = process.env.RAGOPS_HOME ?? join(root, '.ragops');
const env = { ...process.env, RAGOPS_HOME: home };
const node = process.execPath; // the pinned Node 24 when run through npm
const cli = join(root, 'apps/cli/bin/ragops.js');
const run = promisify(execFile);

const INDEX = 'dev.quickstart.docs';
const MODEL = 'dev.quickstart.docs_qa';
const ENDPOINT = 'docs-qa';
const QUESTIONS = [
  'How are index rebuilds made incremental?',
  'What does an alias point to, and who can move it?',
  'Which LLM providers can serve a chain?',
];

type RagopsExtension = {
  served: { model_uri: string; version: number };
  citations: { n: number; document_id: string; title: string | null }[];
};

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const step = (title: string) => process.stdout.write(`\n${bold(`▸ ${title}`)}\n`);

/** Runs `ragops <args>` and prints it first, exactly as run and quoted for a POSIX shell, so it pastes. */
async function ragops(args: string[]): Promise<string> {
  process.stdout.write(`$ ${shellCommand(['npx', 'ragops', ...args])}\n`);
  try {
    const { stdout } = await run(node, [cli, ...args], { cwd: root, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; code?: number };
    throw new Error(`ragops ${args.join(' ')} failed (exit ${e.code}):\n${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}

/** Runs with --json (shown, since that is what runs) for a value the script needs; `summary` says what it got. */
async function ragopsJson<T>(args: string[], summary: (result: T) => string): Promise<T> {
  const result = JSON.parse(await ragops(['--json', ...args])) as T;
  process.stdout.write(`# → ${summary(result)}\n`);
  return result;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not become ready at ${url} within ${timeoutMs} ms`);
}

step(`Index the project's documentation (docs/) into LanceDB, in ${home}`);
process.stdout.write(await ragops(['index', 'build', INDEX]));

step('Retrieve passages (hybrid: vector + full-text scores, normalised and fused)');
process.stdout.write(await ragops(['index', 'query', INDEX, QUESTIONS[0]!, '--k', '3', '--mode', 'hybrid']));

step('Register the chain `docs_qa` from ragops.yaml as a model version pinned to this index version');
process.stdout.write(await ragops(['init']));
const registered = await ragopsJson<{ uri: string; version: number }>(
  ['models', 'register', MODEL, '--chain', 'docs_qa'],
  (v) => `registered ${v.uri}`,
);

step('Make it the champion through the gate of ragops.yaml (evaluated on evals/docs-qa.jsonl, offline judges)');
process.stdout.write(await ragops(['promote', registered.uri, '--to', 'champion', '--run-missing']));

step(`Serve models:/${MODEL}@champion behind the endpoint "${ENDPOINT}"`);
const endpoints = await ragopsJson<{ items: { name: string }[] }>(
  ['endpoints', 'list'],
  (p) => `${p.items.length} endpoint(s)${p.items.some((e) => e.name === ENDPOINT) ? `, ${ENDPOINT} among them` : ''}`,
);
const verb = endpoints.items.some((e) => e.name === ENDPOINT) ? 'update' : 'create';
process.stdout.write(await ragops(['endpoints', verb, ENDPOINT, '--serve', `models:/${MODEL}@champion=100`]));
const { token } = await ragopsJson<{ token: string; info: { principal: string } }>(
  ['tokens', 'create', '--description', 'quickstart'],
  (t) => `a token for ${t.info.principal}, kept for the SDK calls below`,
);

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
// What `npm start` runs, with the free port found above (pasting it starts the same server).
process.stdout.write(`$ PORT=${port} RAGOPS_LOG_LEVEL=warn npm start\n`);
// Same flags as `npm start`: node:sqlite is stable enough for us but still flagged experimental in Node 24.9.
const server = spawn(node, ['--disable-warning=ExperimentalWarning', join(root, 'apps/server/src/main.ts')], {
  cwd: root,
  env: { ...env, PORT: String(port), HOST: '127.0.0.1', RAGOPS_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  await waitReady(url, 30_000);

  step('Ask through the official openai SDK (only baseURL changes)');
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: token });
  for (const question of QUESTIONS) {
    const reply = await client.chat.completions.create({
      model: ENDPOINT,
      messages: [{ role: 'user', content: question }],
    });
    process.stdout.write(`\n${bold(`Q: ${question}`)}\n${reply.choices[0]?.message.content ?? ''}\n`);
    // Citations ride in the `ragops` extension field, which standard clients ignore.
    const extension = (reply as unknown as { ragops?: RagopsExtension }).ragops;
    process.stdout.write(`  served by ${extension?.served.model_uri} → version ${extension?.served.version}\n`);
    for (const c of extension?.citations ?? []) {
      process.stdout.write(`  [${c.n}] ${c.document_id}${c.title ? ` — ${c.title}` : ''}\n`);
    }
    process.stdout.write(`  usage: ${JSON.stringify(reply.usage)}\n`);
  }

  step('Streaming works too');
  const stream = await client.chat.completions.create({
    model: ENDPOINT,
    messages: [{ role: 'user', content: 'What is an inference table?' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
  process.stdout.write('\n');
} finally {
  // SIGTERM is the graceful path: the server flushes every queued inference row before exiting.
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
}

step('Every request wrote a row to the inference table');
process.stdout.write(await ragops(['inference', 'tail', '--lines', '4']));

step('A docs change goes through the pipeline: rebuild → register → evaluate vs the champion → challenger → champion');
{
  // A copy of the project, so the change stays out of your docs/ (the job cron or CI runs is the same command).
  const project = await mkdtemp(join(tmpdir(), 'ragops-quickstart-'));
  try {
    for (const part of ['ragops.yaml', 'docs', 'prompts', 'evals']) {
      await cp(join(root, part), join(project, part), { recursive: true });
    }
    const changed = join(project, 'docs', 'concepts.md');
    await appendFile(
      changed,
      '\n\nA scheduled pipeline run re-indexes changed documents and promotes through the gate.\n',
    );
    process.stdout.write(`# appended a paragraph to ${changed}\n`);
    process.stdout.write(await ragops(['pipeline', 'run', 'docs_qa', '--spec', join(project, 'ragops.yaml')]));
  } finally {
    await rm(project, { recursive: true, force: true });
  }
}

step('Next');
process.stdout.write(
  [
    `State lives in ${home}. Try:`,
    '  npm start                                   # the server on http://127.0.0.1:8787 (OpenAPI at /docs)',
    `  npx ragops models lineage models:/${MODEL}@champion   # eval runs and gate decisions too`,
    '  npx ragops eval list',
    '  npx ragops pipeline run docs_qa             # the same job on your docs/; run twice, the second makes nothing new',
    `  npx ragops index history ${INDEX}`,
    '  npx ragops audit --since 1h',
    '  npx ragops --help',
    '',
  ].join('\n'),
);
