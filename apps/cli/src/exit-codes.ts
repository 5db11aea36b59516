import type { ErrorCode } from '@ragops/core';

/** 0 ok, 1 failure, 2 bad usage or input. The one table mapping error codes to exit codes. */
export const EXIT_CODE_BY_ERROR: Record<ErrorCode, 1 | 2> = {
  invalid_input: 2,
  config_error: 2,
  not_found: 2,
  unauthenticated: 2,
  permission_denied: 2,
  conflict: 1,
  rate_limited: 1,
  provider_error: 1,
  internal: 1,
};

/**
 * The command ran and a promotion gate said no (`promote`, `pipeline run`): not a failure of the
 * command, so a scheduler can tell "the evidence blocked it" from "it broke".
 */
export const EXIT_GATE_BLOCKED = 3;
