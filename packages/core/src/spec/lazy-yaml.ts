import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

const require = createRequire(import.meta.url);
let yaml: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded on first use instead of with @ragops/core: it is ~70 modules, about a
 * tenth of `ragops models list`'s start, which never reads a YAML file. Synchronous (Node's `node`
 * export of yaml is CommonJS), so parsing stays synchronous.
 */
export function loadYaml(): typeof Yaml {
  yaml ??= require('yaml') as typeof Yaml;
  return yaml;
}
