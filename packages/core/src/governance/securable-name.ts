/** The identifier rule of catalog, schema and model name parts (same as identifierSchema). */
export const IDENTIFIER_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
