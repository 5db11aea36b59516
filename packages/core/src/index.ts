/** Error base class and codes; every deliberate ragops failure is a RagopsError. */
export { ERROR_CODES, RagopsError, InvalidInputError, NotFoundError, ConflictError, ConfigError } from './errors/ragops-error.ts';
export { UnauthenticatedError, PermissionDeniedError, RateLimitedError } from './errors/ragops-error.ts';
export type { ErrorCode, RagopsErrorOptions } from './errors/ragops-error.ts';
/** A failed call to an outside provider, with retryability. */
export { ProviderCallError } from './errors/provider-call-error.ts';
/** zod issues as one "where.path: message" line each. */
export { formatZodError } from './errors/format-zod-error.ts';
/** Parse a boundary input with zod or throw InvalidInputError naming where. */
export { parseInput } from './errors/parse-input.ts';
/** Three-level names `catalog.schema.name`. */
export { identifierSchema, threeLevelNameSchema, parseThreeLevelName, formatThreeLevelName } from './names/three-level-name.ts';
export type { ThreeLevelName } from './names/three-level-name.ts';
/** The library logging interface; silent by default. */
export { silentLogger } from './logger/logger.ts';
export type { Logger } from './logger/logger.ts';
