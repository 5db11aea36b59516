// The one seeded generator lives in core (rag's test models and core's users draw from it too).
export { seededRandom } from '@ragops/core';
