import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { describeMetadataStoreContract } from '../contract/metadata-store-contract.ts';

// CI sets these; on a laptop without PostgreSQL the suite is skipped with a message, not failed.
const url = process.env.RAGOPS_TEST_POSTGRES_URL;
const required = process.env.RAGOPS_TEST_REQUIRE_SERVICES === '1';

if (!url) {
  describe('MetadataStore contract: postgres', () => {
    if (required) {
      it('RAGOPS_TEST_REQUIRE_SERVICES=1 but RAGOPS_TEST_POSTGRES_URL is unset', () => {
        throw new Error('RAGOPS_TEST_POSTGRES_URL is required when RAGOPS_TEST_REQUIRE_SERVICES=1');
      });
    } else {
      it.skip('skipped: set RAGOPS_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run it', () => {});
    }
  });
} else {
  // A fresh schema per database the suite asks for (search_path set through the URL's connection
  // options), so runs never collide; all dropped at the end.
  const schemas: string[] = [];
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  afterAll(async () => {
    for (const schema of schemas) await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });
  describeMetadataStoreContract('postgres', async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    await admin(`CREATE SCHEMA ${schema}`);
    schemas.push(schema);
    const u = new URL(url);
    u.searchParams.set('options', `-c search_path=${schema}`);
    return u.toString();
  });
}
