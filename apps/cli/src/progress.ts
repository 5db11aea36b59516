import cliProgress from 'cli-progress';

/** Progress of one long step; `update` is cheap enough to call per item. */
export interface Progress {
  start(label: string, total: number): void;
  update(done: number): void;
  stop(): void;
}

/**
 * A bar with rate and ETA on an interactive stderr; plain progress lines (at most one every
 * `intervalMs`) when stderr is not a TTY; nothing in --json mode.
 */
export function createProgress(options: { json?: boolean; intervalMs?: number } = {}): Progress {
  if (options.json) return { start() {}, update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: '{label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}',
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let startedAt = 0;
    let label = '';
    return {
      start(l, total) {
        label = l;
        startedAt = Date.now();
        bar.start(total, 0, { label, rate: '0' });
      },
      update(done) {
        const seconds = (Date.now() - startedAt) / 1000;
        bar.update(done, { label, rate: seconds > 0 ? (done / seconds).toFixed(0) : '0' });
      },
      stop() {
        bar.stop();
      },
    };
  }
  const intervalMs = options.intervalMs ?? 2000;
  let label = '';
  let total = 0;
  let startedAt = 0;
  let lastAt = 0;
  let last = 0;
  const line = (done: number) => {
    const seconds = (Date.now() - startedAt) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    process.stderr.write(`${label}: ${done}/${total} (${rate.toFixed(0)}/s, ETA ${eta}s)\n`);
  };
  return {
    start(l, t) {
      label = l;
      total = t;
      startedAt = Date.now();
      lastAt = startedAt;
    },
    update(done) {
      last = done;
      if (Date.now() - lastAt >= intervalMs) {
        lastAt = Date.now();
        line(done);
      }
    },
    stop() {
      if (total > 0) line(last);
    },
  };
}
