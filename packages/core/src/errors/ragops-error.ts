const MARKER = Symbol.for('ragops.error');

/** The closed set of error codes; apps map them to HTTP statuses and exit codes. */
export const ERROR_CODES = [
  'invalid_input',
  'unauthenticated',
  'permission_denied',
  'not_found',
  'conflict',
  'rate_limited',
  'provider_error',
  'config_error',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type RagopsErrorOptions = { cause?: unknown; details?: Record<string, unknown> };

/** Base class of every error ragops throws on purpose. */
export class RagopsError extends Error {
  readonly [MARKER] = true;
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: RagopsErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }

  // `instanceof` fails when two copies of @ragops/core end up in node_modules.
  static isInstance(error: unknown): error is RagopsError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}

/** Bad input from a user: a flag, a body, a config file, a dataset row. */
export class InvalidInputError extends RagopsError {
  constructor(message: string, options?: RagopsErrorOptions) {
    super('invalid_input', message, options);
  }
}

export class NotFoundError extends RagopsError {
  constructor(message: string, options?: RagopsErrorOptions) {
    super('not_found', message, options);
  }
}

export class ConflictError extends RagopsError {
  constructor(message: string, options?: RagopsErrorOptions) {
    super('conflict', message, options);
  }
}

export class ConfigError extends RagopsError {
  constructor(message: string, options?: RagopsErrorOptions) {
    super('config_error', message, options);
  }
}

export class UnauthenticatedError extends RagopsError {
  constructor(message: string, options?: RagopsErrorOptions) {
    super('unauthenticated', message, options);
  }
}

export class PermissionDeniedError extends RagopsError {
  constructor(message: string, options?: RagopsErrorOptions) {
    super('permission_denied', message, options);
  }
}

export class RateLimitedError extends RagopsError {
  constructor(message: string, options?: RagopsErrorOptions) {
    super('rate_limited', message, options);
  }
}
