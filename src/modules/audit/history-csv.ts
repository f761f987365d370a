import { csvLine, csvText } from 'src/common/csv/csv-line';
import type { ReadableAuditRow } from './audit.service';
import { itemOf, valueInWords } from './readable';

export const HISTORY_COLUMNS = [
  'seq',
  'time',
  'actor_name',
  'role',
  'action',
  'record',
  'field',
  'before',
  'after',
  'reason',
] as const;

const empty = (v: unknown) =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * A participant's history as CSV (UTF-8, a header row, the project's quoting): one line per
 * changed field of each audit row (one line with empty field, before and after for a row without
 * values), oldest first. Time is ISO 8601 UTC; values in words as in the summaries.
 */
export function historyCsv(rows: readonly ReadableAuditRow[]): string {
  const lines = [csvLine([...HISTORY_COLUMNS])];
  for (const row of rows) {
    const common = [
      String(row.seq),
      new Date(row.occurredAt).toISOString(),
      row.actorName ?? '',
      row.actorRole,
      row.action,
      row.entityId ? `${row.entity} ${row.entityId}` : row.entity,
    ];
    const reason = row.reason ?? '';
    const changes = row.changes.length > 0 ? row.changes : [null];
    for (const c of changes) {
      const item = c ? itemOf(row, c.field) : null;
      const cells = c
        ? [
            c.label,
            empty(c.before) ? '' : valueInWords(c.before, item),
            empty(c.after) ? '' : valueInWords(c.after, item),
          ]
        : ['', '', ''];
      lines.push(csvLine([...common, ...cells, reason].map(csvText)));
    }
  }
  return lines.join('');
}
