// @ragops/monitoring: metric tables over the inference table and feedback, drift, online judging,
// split-test decisions and alerts. Explicit named exports only (STYLE.md §1).
export {};
