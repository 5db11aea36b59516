// @ragops/evals: datasets, judges (LLM and heuristic), eval runs and their store migrations.
// Explicit named exports only (STYLE.md §1).
export {};
