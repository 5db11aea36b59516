import cliProgress from 'cli-progress';
import { cliContext } from './cli-context.ts';

/** One progress event of a multi-phase job (an index build: loading, chunking, embedding, indexing). */
export type PhaseProgress = { phase: string; done: number; total: number };

/** Reports a job's phases; `onProgress` is cheap enough to call per item. */
export interface Progress {
  onProgress(progress: PhaseProgress): void;
  /** Ends the job's reporting (also after a failure). */
  stop(): void;
}

/**
 * Phases smaller than this print nothing of their own on a non-TTY stderr (a CI log, a pipe): only
 * the one summary line at the end. Bigger ones print a `<phase>: started (<total>)` line and a line
 * every `intervalMs`, so a long build shows it is alive.
 */
export const LINE_PROGRESS_MIN_TOTAL = 500;

/**
 * A bar per phase with rate and ETA on an interactive stderr; on a non-TTY stderr one summary line
 * (plus lines for big phases); nothing in --json mode.
 */
export function createProgress(options: { json?: boolean; intervalMs?: number } = {}): Progress {
  if (options.json) return { onProgress() {}, stop() {} };
  const { stderr } = cliContext();
  return stderr.isTTY ? barProgress(stderr) : lineProgress(stderr, options.intervalMs ?? 2000);
}

function barProgress(stderr: { write(s: string): unknown }): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream: stderr as NodeJS.WritableStream,
      format: '{label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | undefined;
  let startedAt = 0;
  return {
    onProgress(p) {
      if (p.phase !== phase) {
        if (phase) bar.stop();
        phase = p.phase;
        startedAt = Date.now();
        bar.start(p.total, 0, { label: phase, rate: '0' });
      }
      const seconds = (Date.now() - startedAt) / 1000;
      bar.update(p.done, { label: phase, rate: seconds > 0 ? (p.done / seconds).toFixed(0) : '0' });
    },
    stop() {
      if (phase) bar.stop();
    },
  };
}

function lineProgress(stderr: { write(s: string): unknown }, intervalMs: number): Progress {
  const phases: PhaseProgress[] = [];
  const startedAt = Date.now();
  let phaseStartedAt = 0;
  let lastLineAt = 0;
  let current: PhaseProgress | undefined;
  const big = (p: PhaseProgress) => p.total >= LINE_PROGRESS_MIN_TOTAL;
  const line = (p: PhaseProgress) => {
    const seconds = (Date.now() - phaseStartedAt) / 1000;
    const rate = seconds > 0 ? p.done / seconds : 0;
    const eta = rate > 0 ? Math.round((p.total - p.done) / rate) : 0;
    stderr.write(`${p.phase}: ${p.done}/${p.total} (${rate.toFixed(0)}/s, ETA ${eta}s)\n`);
  };
  return {
    onProgress(p) {
      if (p.phase !== current?.phase) {
        current = { ...p };
        phases.push(current);
        phaseStartedAt = Date.now();
        lastLineAt = phaseStartedAt;
        if (big(p)) stderr.write(`${p.phase}: started (${p.total})\n`);
      }
      current.done = p.done;
      current.total = p.total;
      if (big(p) && Date.now() - lastLineAt >= intervalMs) {
        lastLineAt = Date.now();
        line(p);
      }
    },
    stop() {
      if (phases.length === 0) return;
      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
      // Phases that were followed by another one finished; only the last may have stopped short.
      const done = (p: PhaseProgress, i: number) =>
        i < phases.length - 1 || p.done >= p.total ? `${p.phase} ${p.total}` : `${p.phase} ${p.done}/${p.total}`;
      stderr.write(`${phases.map(done).join(', ')} in ${seconds} s\n`);
    },
  };
}
