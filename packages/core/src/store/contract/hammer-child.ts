// A separate process registering versions of one model in a shared store, for the concurrency test.
// argv: <store url> <catalog.schema.model> <count> <label>. Prints one JSON line: { versions: number[] }.
import { createModelVersion, openMetadataStore, readPrincipal, setAlias } from '../../index.ts';
import { samplePackage } from './sample-package.ts';

const [url, name, countText, label] = process.argv.slice(2);
const store = await openMetadataStore(url ?? '');
try {
  const actor = await readPrincipal(store, 'admin');
  const versions: number[] = [];
  for (let i = 0; i < Number(countText); i++) {
    const ctx = { store, actor, requestId: `${label}-${i}` };
    const v = await createModelVersion({
      ...ctx,
      name: name ?? '',
      package: samplePackage({ marker: `${label}-${i}` }),
    });
    versions.push(v.version);
    // Interleave another write transaction, as a server moving aliases would.
    await setAlias({ ...ctx, name: name ?? '', alias: label ?? 'x', version: v.version });
  }
  process.stdout.write(`${JSON.stringify({ versions })}\n`);
} finally {
  await store.close();
}
