/** Error base class and codes; every deliberate ragops failure is a RagopsError. */

/** zod issues as one "where.path: message" line each. */
export { formatZodError } from './errors/format-zod-error.ts';
/** Parse a boundary input with zod or throw InvalidInputError naming where. */
export { parseInput } from './errors/parse-input.ts';
/** A failed call to an outside provider, with retryability. */
export { ProviderCallError } from './errors/provider-call-error.ts';
export type { ErrorCode, RagopsErrorOptions } from './errors/ragops-error.ts';
export {
  ConfigError,
  ConflictError,
  ERROR_CODES,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  RagopsError,
  RateLimitedError,
  UnauthenticatedError,
} from './errors/ragops-error.ts';
export type { Logger } from './logger/logger.ts';
/** The library logging interface; silent by default. */
export { silentLogger } from './logger/logger.ts';
export type { ThreeLevelName } from './names/three-level-name.ts';
/** Three-level names `catalog.schema.name`. */
export {
  formatThreeLevelName,
  identifierSchema,
  parseThreeLevelName,
  threeLevelNameSchema,
} from './names/three-level-name.ts';
