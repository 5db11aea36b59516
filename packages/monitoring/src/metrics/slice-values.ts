import type { InferenceMetricRow, SliceSpec } from '@ragops/core';
import { columnValue } from './row-columns.ts';

/** Distinct values one slice keeps per window × endpoint; the rest are counted under `(other)`. */
export const MAX_SLICE_VALUES = 50;
export const OTHER_SLICE_VALUE = '(other)';
export const NULL_SLICE_VALUE = '(null)';

/** The label of a row in a slice: the column's value, or its bin (`<500`, `500..2000`, `>=2000`). */
export function sliceLabel(row: InferenceMetricRow, slice: SliceSpec): string {
  const value = columnValue(row, slice.column);
  if (value === null) return NULL_SLICE_VALUE;
  if (!slice.bins) return String(value);
  if (typeof value !== 'number') return NULL_SLICE_VALUE;
  const bins = slice.bins;
  if (value < bins[0]!) return `<${bins[0]}`;
  for (let i = 1; i < bins.length; i++) if (value < bins[i]!) return `${bins[i - 1]}..${bins[i]}`;
  return `>=${bins[bins.length - 1]}`;
}
