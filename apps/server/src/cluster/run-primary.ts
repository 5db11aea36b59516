import type { ServerConfig } from '../config.ts';
import type { ServerLogger } from '../logger.ts';
import { startClusterPrimary, WorkerStartupError } from './cluster-primary.ts';

/**
 * `npm start` with RAGOPS_WORKERS > 1, in the primary: forks the workers, then maps signals as a
 * single server does. SIGTERM/SIGINT → SIGTERM to every worker (each drains), exit 0 once all have
 * exited 0; a second signal means now (the workers get it as their second, exit 1). A worker that
 * fails to start exits the primary with its code (2 for a config error, whose one line the worker
 * wrote); a crash loop exits 1.
 */
export async function runClusterPrimary(config: ServerConfig, logger: ServerLogger): Promise<void> {
  const primary = await startClusterPrimary({ config, logger }).catch((err: unknown) => {
    if (err instanceof WorkerStartupError) {
      if (err.exitCode !== 2) logger.fatal({ err }, 'server failed to start');
      process.exit(err.exitCode);
    }
    logger.fatal({ err }, 'server failed to start');
    process.exit(1);
  });
  void primary.ended.then((code) => process.exit(code));
  let signalled = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (signalled) {
        logger.warn({ signal }, 'second signal: exiting without finishing shutdown');
        primary.closeNow();
        process.exit(1);
      }
      signalled = true;
      logger.info({ signal }, 'signal received');
      void primary.close().then((code) => {
        logger.info({ code }, 'stopped');
        process.exit(code);
      });
    });
  }
}
