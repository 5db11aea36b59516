/**
 * CLI startup bench: times whole `ragops` processes (what a user waits for) against bare `node -e 0`
 * on the same machine in the same minute, so the ratio and the difference survive a busy machine
 * better than absolute times. Each command runs once to warm the compile cache (its cold time is
 * reported too, from an empty cache folder), then `--runs` times; the median counts.
 *
 *   npm run bench:cli -- [--runs 9] [--root <checkout>] [--out bench/results/cli-startup.json]
 *
 * `--root` times another checkout's bin/ragops.js (e.g. an older commit unpacked with its own
 * node_modules links) with the same commands. Writes bench/results/cli-startup.json (or --out).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const argsSchema = z.object({
  runs: z.coerce.number().int().min(1).max(100).default(9),
  root: z
    .string()
    .min(1)
    .default(resolve(import.meta.dirname, '..')),
  out: z.string().min(1).default('bench/results/cli-startup.json'),
});

type Case = { name: string; args: string[] };
type Row = { name: string; coldMs: number; medianMs: number; minMs: number; ratio: number; overNodeMs: number };

function parse() {
  try {
    const { values } = parseArgs({
      options: { runs: { type: 'string' }, root: { type: 'string' }, out: { type: 'string' } },
    });
    const result = argsSchema.safeParse(values);
    if (!result.success) throw new Error(z.prettifyError(result.error));
    return result.data;
  } catch (error) {
    process.stderr.write(`bench:cli: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

const args = parse();
const root = resolve(args.root);
const bin = join(root, 'apps/cli/bin/ragops.js');
const work = mkdtempSync(join(tmpdir(), 'ragops-bench-cli-'));
const home = join(work, 'home');
const env = { ...process.env, RAGOPS_HOME: home, RAGOPS_METADATA_URL: '', RAGOPS_TOKEN: '' };

/** Wall time of one process in ms; fails the bench when the command fails. */
function timeProcess(command: string[], extraEnv: Record<string, string> = {}): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, command, { cwd: root, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${command.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// State for the commands that read it: a metadata store and a two-document index.
const docs = join(work, 'docs');
mkdirSync(docs);
writeFileSync(join(docs, 'a.md'), '# Aliases\n\nAn alias names the version that serves traffic.\n');
writeFileSync(join(docs, 'b.md'), '# Builds\n\nRebuilds re-embed only changed documents.\n');
timeProcess([bin, 'init']);
timeProcess([bin, 'index', 'build', 'dev.bench.docs', '--source', docs]);

const cases: Case[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'ragops --help', args: [bin, '--help'] },
  { name: 'ragops models list', args: [bin, 'models', 'list'] },
  { name: 'ragops models --help', args: [bin, 'models', '--help'] },
  { name: 'ragops index query', args: [bin, 'index', 'query', 'dev.bench.docs', 'what is an alias', '--k', '1'] },
];

const loadBefore = loadavg();
const rows: Row[] = [];
let nodeMs = 0;
for (const c of cases) {
  const cache = mkdtempSync(join(tmpdir(), 'ragops-bench-cache-'));
  const coldMs = timeProcess(c.args, { NODE_COMPILE_CACHE: cache });
  timeProcess(c.args); // warm the default cache
  const times = Array.from({ length: args.runs }, () => timeProcess(c.args));
  rmSync(cache, { recursive: true, force: true });
  const medianMs = median(times);
  if (rows.length === 0) nodeMs = medianMs;
  rows.push({
    name: c.name,
    coldMs,
    medianMs,
    minMs: Math.min(...times),
    ratio: medianMs / nodeMs,
    overNodeMs: medianMs - nodeMs,
  });
}
const loadAfter = loadavg();
rmSync(work, { recursive: true, force: true });

const result = {
  root,
  node: process.version,
  cpus: cpus().length,
  runs: args.runs,
  loadAverage: { before: loadBefore, after: loadAfter },
  rows,
};
const fixed = (n: number, d = 0) => n.toFixed(d);
const header = ['command', 'cold ms', 'median ms', 'min ms', '× node', '+ms over node'];
const lines = rows.map((r) => [
  r.name,
  fixed(r.coldMs),
  fixed(r.medianMs),
  fixed(r.minMs),
  fixed(r.ratio, 2),
  fixed(r.overNodeMs),
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const fmt = (cells: string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
process.stdout.write(
  [
    `${root} · ${process.version} · ${cpus().length} cores · load ${loadBefore.map((l) => l.toFixed(2)).join(' ')} → ${loadAfter.map((l) => l.toFixed(2)).join(' ')} · median of ${args.runs}`,
    fmt(header),
    ...lines.map(fmt),
    '',
  ].join('\n'),
);
const out = resolve(args.out);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stderr.write(`wrote ${out}\n`);
