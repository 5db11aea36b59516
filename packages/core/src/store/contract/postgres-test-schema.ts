// PostgreSQL for this package's tests: the URL rule every suite follows, and throwaway schemas.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * RAGOPS_TEST_POSTGRES_URL, or undefined (with a warning naming `suite`) when it is unset; throws
 * when RAGOPS_TEST_REQUIRE_SERVICES=1, so CI never skips what it could run.
 */
export function postgresTestUrl(suite: string): string | undefined {
  const url = process.env.RAGOPS_TEST_POSTGRES_URL;
  if (url) return url;
  if (process.env.RAGOPS_TEST_REQUIRE_SERVICES === '1') {
    throw new Error(`${suite}: RAGOPS_TEST_REQUIRE_SERVICES=1 but RAGOPS_TEST_POSTGRES_URL is unset`);
  }
  console.warn(`${suite}: RAGOPS_TEST_POSTGRES_URL is unset, so its PostgreSQL tests do not run`);
  return undefined;
}

async function runAdmin(baseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A new, empty schema on the server of `baseUrl`; `url` connects with it as the search_path (set
 * through the connection options), so suites running at once never share tables. `drop()` removes it.
 */
export async function createFreshPostgresSchema(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await runAdmin(baseUrl, `CREATE SCHEMA ${schema}`);
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => runAdmin(baseUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
}
