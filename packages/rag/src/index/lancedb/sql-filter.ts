import type { SearchFilter } from '../vector-index.ts';

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A SearchFilter as a LanceDB (DataFusion SQL) predicate, or undefined for no filter. Metadata is a
 * JSON column, so a key/value pair is matched as its serialized `"key":value` followed by `,` or `}`.
 */
export function toSqlFilter(filter: SearchFilter | undefined): string | undefined {
  if (!filter) return undefined;
  const parts: string[] = [];
  if (filter.documentIds) {
    if (filter.documentIds.length === 0) parts.push('false');
    else parts.push(`doc_id IN (${filter.documentIds.map(quote).join(', ')})`);
  }
  for (const [key, value] of Object.entries(filter.metadata ?? {})) {
    const pair = likeEscape(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
    parts.push(`(metadata LIKE ${quote(`%${pair},%`)} OR metadata LIKE ${quote(`%${pair}}`)})`);
  }
  return parts.length === 0 ? undefined : parts.join(' AND ');
}

export function quoteSql(s: string): string {
  return quote(s);
}
