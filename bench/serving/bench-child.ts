import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A bench server child process and the JSON lines it prints. */
export type Child = {
  child: ChildProcess;
  url: string;
  /** Every process of the server (a RAGOPS_WORKERS cluster: the primary and its workers), for CPU. */
  pids: number[];
  stopped: Promise<Record<string, unknown>>;
  next: (key: string) => Promise<Record<string, unknown>>;
};
/**
 * Starts bench/serving/serving-bench-server.ts in its own Node process (so the load generator never
 * shares its event loop) and resolves once it prints its URL.
 */
export function startChild(
  mode: 'bare' | 'retrieval' | 'llm' | 'ragops' | 'ragopsWorkers',
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<Child> {
  // The cluster side is its own entry point: node:cluster re-runs it in every worker.
  const script = join(
    import.meta.dirname,
    mode === 'ragopsWorkers' ? 'serving-bench-workers.ts' : 'serving-bench-server.ts',
  );
  const args = mode === 'ragopsWorkers' ? extra : [mode, ...extra];
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env, NODE_OPTIONS: '--disable-warning=ExperimentalWarning' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Never leave a server behind when the bench fails midway.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  const waiters: ((line: Record<string, unknown>) => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    buffered += String(d);
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      const line = JSON.parse(buffered.slice(0, i)) as Record<string, unknown>;
      buffered = buffered.slice(i + 1);
      lines.push(line);
      for (const w of waiters.splice(0)) w(line);
    }
  });
  const next = (key: string) =>
    new Promise<Record<string, unknown>>((ok, fail) => {
      const found = lines.find((l) => key in l);
      if (found) return ok(found);
      const check = (line: Record<string, unknown>) => (key in line ? ok(line) : waiters.push(check));
      waiters.push(check);
      child.once('exit', (code) => fail(new Error(`${mode} server exited with ${code} before printing ${key}`)));
    });
  return next('url').then((l) => ({
    child,
    url: String(l.url),
    pids: Array.isArray(l.pids) ? l.pids.map(Number) : [child.pid!],
    stopped: next('stopped'),
    next,
  }));
}

/** cpuMs summed over the processes of one server (a cluster's primary and workers). */
export function cpuMsOf(pids: readonly number[]): { all: number; main: number } {
  return pids.map(cpuMs).reduce((a, b) => ({ all: a.all + b.all, main: a.main + b.main }), { all: 0, main: 0 });
}

/** utime + stime in ms of a process (all threads: LanceDB's native pool included) and of its main thread. */
export function cpuMs(pid: number): { all: number; main: number } {
  const ticks = (file: string) => {
    const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks, USER_HZ = 100
  };
  return { all: ticks(`/proc/${pid}/stat`), main: ticks(`/proc/${pid}/task/${pid}/stat`) };
}
