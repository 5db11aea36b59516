import { ConfigError, type RagopsErrorOptions } from '@ragops/core';

/**
 * A registered model version that this process cannot run as configured: its chain names an LLM
 * provider the configuration lacks, or carries params or a prompt the runtime refuses. Unlike other
 * ConfigErrors its message names only the version, providers and keys (no paths, hosts or secrets),
 * so apps show it to callers: the caller learns why, the operator learns what to fix.
 */
export class ModelVersionConfigError extends ConfigError {
  readonly modelUri: string;

  constructor(modelUri: string, problem: string, options: RagopsErrorOptions = {}) {
    super(`${modelUri} cannot be served as configured: ${problem}`, {
      ...options,
      details: { ...options.details, modelUri },
    });
    this.modelUri = modelUri;
  }

  // `instanceof` fails across two copies of the package; the name and the details say it as well.
  static isModelVersionConfigError(error: unknown): error is ModelVersionConfigError {
    return ConfigError.isInstance(error) && error.name === 'ModelVersionConfigError' && error.code === 'config_error';
  }
}
