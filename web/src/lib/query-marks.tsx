import { useQuery } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import type { DataQueryDetail } from '../api/client';
import { queryIsOn, queryIsUnder } from './query-paths';

/**
 * Data queries on one record (issue 18): the record's queries with their events, and the marks
 * a form puts on a queried field. A form wraps its fields in <QueryMarks queries={…}>; a field
 * that knows its record path (`samples[bloods].taken`) asks for the unresolved queries on it.
 */

/** Statuses that still need someone: the field stays marked. */
export const UNRESOLVED = ['open', 'answered'] as const;
export const isUnresolved = (q: { status: string }) =>
  (UNRESOLVED as readonly string[]).includes(q.status);

/** The most queries one list request returns (the API's largest page). */
const PAGE_SIZE = 200;

/**
 * The cache key of a participant's queries with their steps: every query panel and field mark of
 * a page shares it (one request for the page, not one per record and query). Any successful write
 * invalidates it (main.tsx): a save may raise or resolve queries by an edit check, a correction
 * links itself to the query on its field.
 */
export const participantQueriesKey = (participantId: string) =>
  ['queries', 'participant', participantId] as const;

/** Every query on the participant's records that the person may see, with its steps, newest first. */
async function participantQueries(participantId: string): Promise<DataQueryDetail[]> {
  const page = (n: number) =>
    call(
      api.GET('/queries', {
        params: { query: { participantId, include: 'events', page: n, pageSize: PAGE_SIZE } },
      }),
    );
  // One page almost always; a participant with more than PAGE_SIZE queries takes a few more.
  const first = await page(1);
  const more = Math.ceil(first.total / PAGE_SIZE) - 1;
  const rest = await Promise.all(Array.from({ length: more }, (_, i) => page(i + 2)));
  const byId = new Map<string, DataQueryDetail>();
  for (const q of [first, ...rest].flatMap((p) => p.items)) {
    byId.set(q.id, { ...q, events: q.events ?? [] });
  }
  return [...byId.values()].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));
}

/**
 * One record's queries (each with its steps), newest first: a view of the participant's queries,
 * read once for the whole page and shared by every record on it.
 */
export function useRecordQueries(
  participantId: string,
  recordEntity: string,
  recordId: string | null | undefined,
  enabled = true,
) {
  const select = useCallback(
    (all: DataQueryDetail[]) =>
      all.filter((q) => q.record.entity === recordEntity && q.record.id === recordId),
    [recordEntity, recordId],
  );
  return useQuery({
    queryKey: participantQueriesKey(participantId),
    queryFn: () => participantQueries(participantId),
    enabled: enabled && !!recordId && !!participantId,
    select,
  });
}

const Marks = createContext<readonly DataQueryDetail[]>([]);

/** Provides a record's queries to the fields inside (they mark themselves). */
export function QueryMarks({
  queries,
  children,
}: {
  queries: readonly DataQueryDetail[] | undefined;
  children: ReactNode;
}) {
  return <Marks.Provider value={queries ?? []}>{children}</Marks.Provider>;
}

/** The unresolved queries on the field at `path` (none without a path or outside <QueryMarks>). */
export function useQueriesOn(path: string | undefined): DataQueryDetail[] {
  const queries = useContext(Marks);
  if (!path) return [];
  return queries.filter((q) => isUnresolved(q) && queryIsOn(q.item.path, path));
}

/** The unresolved queries on any field under `prefix` (a group: `samples`, `relapseAssessment.relapses[x]`). */
export function useQueriesUnder(...prefixes: string[]): DataQueryDetail[] {
  const queries = useContext(Marks);
  return queries.filter(
    (q) => isUnresolved(q) && prefixes.some((p) => queryIsUnder(q.item.path, p)),
  );
}

/**
 * The mark next to a queried field: each unresolved query's state and question, with a link to
 * it in the record's query panel. Its `id` goes into the control's aria-describedby.
 */
export function QueryFlag({ id, queries }: { id: string; queries: readonly DataQueryDetail[] }) {
  const { t } = useTranslation();
  if (queries.length === 0) return null;
  return (
    <div className="query-flag" id={id} data-testid="query-flag">
      {queries.map((q) => (
        <p key={q.id}>
          <span aria-hidden="true">⚑ </span>
          <strong>{t(`queries.flag.${q.status}`)}:</strong> {q.text}{' '}
          <a href={`#query-${q.id}`} className="small">
            {t('queries.flag.see')}
          </a>
        </p>
      ))}
    </div>
  );
}

/**
 * A control that is not a <Field> (a checkbox, a radio group) with its query mark: `field` the
 * queries on `path`; `element` those on one list element (`samples[bloods]`: any of its fields);
 * `list` those on every element of a list (`samples[].taken`, under `samples`).
 */
export function Marked({
  path,
  mode = 'field',
  children,
}: {
  path: string;
  mode?: 'field' | 'element' | 'list';
  children: (m: { describedBy?: string; flag: ReactNode; marked: boolean }) => ReactNode;
}) {
  const id = useId();
  const on = useQueriesOn(mode === 'field' ? path : undefined);
  const under = useQueriesUnder(mode === 'field' ? '\u0000' : path);
  const queries =
    mode === 'field' ? on : under.filter((q) => (mode === 'list') === q.item.path.includes('[]'));
  const marked = queries.length > 0;
  return (
    <>
      {children({
        describedBy: marked ? `${id}-query` : undefined,
        flag: <QueryFlag id={`${id}-query`} queries={queries} />,
        marked,
      })}
    </>
  );
}
