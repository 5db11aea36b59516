import { afterAll } from 'vitest';
import { describeMetadataStoreContract } from '../contract/metadata-store-contract.ts';
import { createFreshPostgresSchema, postgresTestUrl } from '../contract/postgres-test-schema.ts';

// CI sets RAGOPS_TEST_REQUIRE_SERVICES=1 (unset URL → this file fails); on a laptop without
// PostgreSQL the contract's tests are reported as skipped, after a warning that says which variable to set.
const url = postgresTestUrl('MetadataStore contract: postgres');

// A fresh schema per database the suite asks for, so runs never collide; all dropped at the end.
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});
describeMetadataStoreContract(
  'postgres',
  async () => {
    if (!url) throw new Error('unreachable: the suite is skipped without RAGOPS_TEST_POSTGRES_URL');
    const schema = await createFreshPostgresSchema(url);
    drops.push(schema.drop);
    return schema.url;
  },
  { skip: !url },
);
