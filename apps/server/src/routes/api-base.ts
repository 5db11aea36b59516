/** Prefix of the registry REST API; every route under it requires a bearer token. */
export const API_BASE = '/api/v1';
