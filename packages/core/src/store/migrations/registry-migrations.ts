import type { MigrationSet } from '../migration-set.ts';

// Portable SQL (SQLite and PostgreSQL): TEXT times (ISO-8601 UTC, so text order is time order),
// TEXT JSON, INTEGER booleans, no `?` characters (placeholders are rewritten on PostgreSQL).
const V1 = `
CREATE TABLE principals (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  display_name TEXT NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
INSERT INTO principals (name, kind, display_name, is_admin, created_at, created_by)
  VALUES ('admin', 'user', 'Local administrator', 1, '1970-01-01T00:00:00.000Z', 'system');
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  principal TEXT NOT NULL REFERENCES principals (name),
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT,
  last_used_at TEXT
);
CREATE INDEX tokens_principal ON tokens (principal);
CREATE TABLE catalogs (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  owner TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE schemas (
  catalog TEXT NOT NULL REFERENCES catalogs (name),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  owner TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (catalog, name)
);
CREATE TABLE registered_models (
  catalog TEXT NOT NULL,
  schema TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  tags TEXT NOT NULL,
  owner TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_version INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (catalog, schema, name),
  FOREIGN KEY (catalog, schema) REFERENCES schemas (catalog, name)
);
CREATE TABLE model_packages (
  sha256 TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE model_versions (
  catalog TEXT NOT NULL,
  schema TEXT NOT NULL,
  model TEXT NOT NULL,
  version INTEGER NOT NULL,
  package_sha256 TEXT NOT NULL REFERENCES model_packages (sha256),
  description TEXT NOT NULL,
  tags TEXT NOT NULL,
  source_uri TEXT,
  source_sha256 TEXT,
  index_name TEXT NOT NULL,
  index_version INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (catalog, schema, model, version),
  FOREIGN KEY (catalog, schema, model) REFERENCES registered_models (catalog, schema, name)
);
CREATE INDEX model_versions_index ON model_versions (index_name, index_version);
CREATE INDEX model_versions_source ON model_versions (source_uri);
CREATE TABLE model_aliases (
  catalog TEXT NOT NULL,
  schema TEXT NOT NULL,
  model TEXT NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (catalog, schema, model, alias),
  FOREIGN KEY (catalog, schema, model, version) REFERENCES model_versions (catalog, schema, model, version)
);
CREATE TABLE grants (
  principal TEXT NOT NULL REFERENCES principals (name),
  privilege TEXT NOT NULL,
  securable_type TEXT NOT NULL,
  securable_name TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (principal, privilege, securable_type, securable_name)
);
CREATE TABLE lineage_links (
  version_uri TEXT NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  relation TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (version_uri, kind, ref, relation)
);
`;

const AUDIT_COLUMNS = `
  at TEXT NOT NULL,
  principal TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_name TEXT NOT NULL,
  request_id TEXT NOT NULL,
  before_json TEXT,
  after_json TEXT,
  details_json TEXT`;

/** The registry and governance tables. Append versions; never edit an applied one. */
export const migrationSet: MigrationSet = {
  module: 'registry',
  migrations: [
    { version: 1, name: 'registry, governance and lineage tables', sql: V1 },
    {
      version: 2,
      name: 'audit log',
      // A sequence gives insertion order even within one millisecond.
      sql: {
        sqlite: `CREATE TABLE audit_log (seq INTEGER PRIMARY KEY AUTOINCREMENT,${AUDIT_COLUMNS});
                 CREATE INDEX audit_log_at ON audit_log (at);`,
        postgres: `CREATE TABLE audit_log (seq SERIAL PRIMARY KEY,${AUDIT_COLUMNS});
                   CREATE INDEX audit_log_at ON audit_log (at);`,
      },
    },
    {
      version: 3,
      name: 'immutable packages (database-level guard)',
      // The services never update a package; these triggers refuse it from any other writer too.
      sql: {
        sqlite: `
CREATE TRIGGER model_packages_immutable BEFORE UPDATE ON model_packages
BEGIN SELECT RAISE(ABORT, 'model version packages are immutable'); END;
CREATE TRIGGER model_versions_package_immutable
BEFORE UPDATE OF catalog, schema, model, version, package_sha256, index_name, index_version, source_uri ON model_versions
BEGIN SELECT RAISE(ABORT, 'model version packages are immutable'); END;`,
        postgres: `
CREATE FUNCTION ragops_refuse_package_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'model version packages are immutable' USING ERRCODE = 'RG001'; END $$;
CREATE TRIGGER model_packages_immutable BEFORE UPDATE ON model_packages
FOR EACH ROW EXECUTE FUNCTION ragops_refuse_package_change();
CREATE TRIGGER model_versions_package_immutable
BEFORE UPDATE OF catalog, schema, model, version, package_sha256, index_name, index_version, source_uri ON model_versions
FOR EACH ROW EXECUTE FUNCTION ragops_refuse_package_change();`,
      },
    },
    {
      version: 4,
      name: 'alias gates',
      // An alias with a row here moves only through its promotion gate (or a forced, audited
      // override). The policy is opaque JSON to core; @ragops/evals parses and evaluates it.
      sql: `
CREATE TABLE alias_gates (
  catalog TEXT NOT NULL,
  schema TEXT NOT NULL,
  model TEXT NOT NULL,
  alias TEXT NOT NULL,
  policy_json TEXT NOT NULL,
  policy_hash TEXT NOT NULL,
  source TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (catalog, schema, model, alias)
);`,
    },
    {
      version: 5,
      name: 'version content keys',
      // A registrar that names what makes two registrations the same (the pipeline: chain spec +
      // pinned index version) gets at most one version per key, decided by the database: of two
      // concurrent registrations, across processes and hosts, the second fails with ConflictError and
      // re-reads the first. NULL (every other registration) is never equal to NULL in a unique index.
      sql: `
ALTER TABLE model_versions ADD COLUMN content_key TEXT;
CREATE UNIQUE INDEX model_versions_content_key ON model_versions (catalog, schema, model, content_key);`,
    },
  ],
};
