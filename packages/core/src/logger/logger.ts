/** What libraries log through; apps pass a pino-backed one, the default is silent. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = (): void => {};

/** A logger that drops everything: the default for library code. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
