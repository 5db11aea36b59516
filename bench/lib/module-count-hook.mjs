// `node --import ./bench/lib/module-count-hook.mjs …`: on exit, writes to $RAGOPS_BENCH_MODULES the
// number of modules the process resolved, and how many of them are promptfoo's (must be 0 outside
// `ragops eval promptfoo`). Plain JS: it runs before Node strips types from anything.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const seen = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    seen.add(result.url);
    return result;
  },
});
process.on('exit', () => {
  const urls = [...seen];
  const out = { modules: urls.length, promptfoo: urls.filter((u) => u.includes('/node_modules/promptfoo/')).length };
  if (process.env.RAGOPS_BENCH_MODULES) writeFileSync(process.env.RAGOPS_BENCH_MODULES, JSON.stringify(out));
});
