import { afterAll, describe, it } from 'vitest';
import { describeMetadataStoreContract } from '../contract/metadata-store-contract.ts';
import { createFreshPostgresSchema, postgresTestUrl } from '../contract/postgres-test-schema.ts';

// CI sets RAGOPS_TEST_REQUIRE_SERVICES=1 (unset URL → this file fails); on a laptop without
// PostgreSQL the suite is skipped with a message, not failed.
const url = postgresTestUrl('MetadataStore contract: postgres');

if (!url) {
  describe('MetadataStore contract: postgres', () => {
    it.skip('skipped: set RAGOPS_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run it', () => {});
  });
} else {
  // A fresh schema per database the suite asks for, so runs never collide; all dropped at the end.
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });
  describeMetadataStoreContract('postgres', async () => {
    const schema = await createFreshPostgresSchema(url);
    drops.push(schema.drop);
    return schema.url;
  });
}
