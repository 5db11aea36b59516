// `node --import ./test/module-count-hook.mjs …`: on exit, writes to $RAGOPS_MODULE_COUNT_FILE the number
// of modules the process resolved, how many are promptfoo's (must be 0 outside `ragops eval
// promptfoo`) and the npm packages they came from. Used by test/eval-startup.test.ts and bench:eval.
// Plain JS: it runs before Node strips types from anything.
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
  const packages = new Set(urls.map((u) => /\/node_modules\/(@[^/]+\/[^/]+|[^/]+)\//.exec(u)?.[1]).filter(Boolean));
  const out = {
    modules: urls.length,
    promptfoo: urls.filter((u) => u.includes('/node_modules/promptfoo/')).length,
    packages: [...packages].sort(),
  };
  if (process.env.RAGOPS_MODULE_COUNT_FILE) writeFileSync(process.env.RAGOPS_MODULE_COUNT_FILE, JSON.stringify(out));
});
