// A separate process that opens (and so migrates) a store, for the concurrent-open test.
// argv: <store url>. Prints { versions: [number of applied migrations] }.
import { openMetadataStore } from '../../index.ts';

const store = await openMetadataStore(process.argv[2] ?? '');
try {
  process.stdout.write(`${JSON.stringify({ versions: [(await store.appliedMigrations()).length] })}\n`);
} finally {
  await store.close();
}
