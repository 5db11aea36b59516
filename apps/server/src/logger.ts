import type { Logger } from '@ragops/core';
import { type DestinationStream, pino } from 'pino';
import { batchedLogDestination } from './batched-log-destination.ts';
import type { ServerConfig } from './config.ts';

/** The server's pino logger type. */
export type ServerLogger = pino.Logger;

// Authorization headers and token secrets must never reach a log line, even inside an error's details.
const REDACT = [
  'token',
  'secret',
  'authorization',
  '*.token',
  '*.secret',
  '*.authorization',
  'req.headers.authorization',
];

/**
 * One pino logger per app, JSON by default, a short human line per record when `logFormat` is pretty.
 * Without a destination it writes to stdout, the lines of one event-loop turn in one write
 * (batched-log-destination.ts); a given destination gets each line as it is logged (tests read them).
 */
export function createServerLogger(
  config: Pick<ServerConfig, 'logFormat' | 'logLevel'>,
  destination?: { write(line: string): unknown },
): ServerLogger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'ragops-server' },
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  const stream: DestinationStream =
    config.logFormat === 'pretty'
      ? prettyStream(destination ?? process.stdout)
      : destination
        ? (destination as unknown as DestinationStream)
        : batchedLogDestination(process.stdout);
  return pino(options, stream);
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

// pino-pretty is not installed; this is enough for a terminal: time, level, message, then fields.
function prettyStream(out: { write(line: string): unknown }): DestinationStream {
  return {
    write(line: string) {
      const record = JSON.parse(line) as Record<string, unknown>;
      const { time, level, msg, service: _service, pid: _pid, hostname: _hostname, ...fields } = record;
      const when = new Date(Number(time)).toISOString().slice(11, 23);
      const rest = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      out.write(`${when} ${(LEVEL_NAMES[Number(level)] ?? String(level)).padEnd(5)} ${String(msg ?? '')} ${rest}\n`);
    },
  };
}

/** Adapts a pino logger to the library Logger interface (message first, fields second). */
export function toLibraryLogger(logger: ServerLogger): Logger {
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}
