import type { ColumnCondition, InferenceMetricRow, MonitorColumn, RowFilter } from '@ragops/core';
import { columnValue } from './row-columns.ts';

type Scalar = string | number | boolean | null;

// Equality across the YAML and SQL types: `model_version: 3` and `model_version: "3"` both match 3,
// `stream: true` matches the stored 1. Null matches only null.
const same = (a: Scalar, b: Scalar) => (a === null || b === null ? a === b : String(a) === String(b));

function holds(value: Scalar, condition: ColumnCondition): boolean {
  if (condition === null || typeof condition !== 'object') return same(value, condition);
  if (condition.eq !== undefined && !same(value, condition.eq)) return false;
  if (condition.ne !== undefined && same(value, condition.ne)) return false;
  if (condition.in !== undefined && !condition.in.some((c) => same(value, c))) return false;
  const ordered = condition.gt ?? condition.gte ?? condition.lt ?? condition.lte;
  if (ordered === undefined) return true;
  if (typeof value !== 'number') return false;
  if (condition.gt !== undefined && !(value > condition.gt)) return false;
  if (condition.gte !== undefined && !(value >= condition.gte)) return false;
  if (condition.lt !== undefined && !(value < condition.lt)) return false;
  if (condition.lte !== undefined && !(value <= condition.lte)) return false;
  return true;
}

/** A predicate over scanned rows from a config `where:` (every condition must hold; empty: every row). */
export function compileRowFilter(filter: RowFilter): (row: InferenceMetricRow) => boolean {
  const conditions = Object.entries(filter) as [MonitorColumn, ColumnCondition][];
  if (conditions.length === 0) return () => true;
  return (row) => conditions.every(([column, condition]) => holds(columnValue(row, column), condition));
}
