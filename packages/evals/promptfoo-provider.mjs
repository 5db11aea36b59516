// The file a user's own promptfoo config names as a provider:
//   providers:
//     - id: file://node_modules/@ragops/evals/promptfoo-provider.mjs
//       config: { model: 'models:/dev.qs.docs_qa@champion' }
// promptfoo loads custom providers from .js/.mjs files (a .ts one would need tsx); the class lives in
// src/promptfoo/ragops-promptfoo-provider.ts, loaded by Node's own type stripping. See docs/evaluation.md.
export { RagopsPromptfooProvider as default } from './src/promptfoo/ragops-promptfoo-provider.ts';
