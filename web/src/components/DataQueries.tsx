import { useMutation, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { useEffect, useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import type { DataQuery, DataQueryDetail, DataQueryEvent } from '../api/client';
import { useSession } from '../auth/session';
import { isUnresolved } from '../lib/query-marks';
import { itemWords, type QueryTarget } from '../lib/query-paths';
import { useZone } from '../lib/reference';
import { formatInstant } from '../lib/time';
import { DataTable, ErrorBox, Field, Loading, Tag } from './ui';

/**
 * Data queries in the pages (issue 18): a record's query panel (every query with its events;
 * raise, answer, close, re-open), the open queries of a site for its worklist, and the ageing
 * report per site for the monitor.
 */

const show = (v: unknown): string =>
  v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);

const STATUS_TONE: Record<string, 'warn' | 'ok' | undefined> = {
  open: 'warn',
  answered: undefined,
  closed: 'ok',
};

export function QueryStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Tag tone={STATUS_TONE[status]}>{t(`queries.status.${status}`)}</Tag>;
}

/** One step of a query: who, when, and what (a correction: the field before → after, and why). */
function EventLine({
  e,
  zone,
  question,
  age,
}: {
  e: DataQueryEvent;
  zone: string;
  question: string;
  /** For the first step: how long ago the query was raised. */
  age?: string;
}) {
  const { t } = useTranslation();
  const who = e.by
    ? t('queries.event.by', { name: e.by, role: (e.role ?? '').replace('_', ' ') })
    : t('queries.event.bySystem');
  const change =
    e.kind === 'corrected' ? (e.before as unknown as { path?: string; value?: unknown }) : null;
  const after = e.kind === 'corrected' ? (e.after as unknown as { value?: unknown }) : null;
  return (
    <li data-kind={e.kind}>
      <strong>{t(`queries.event.${e.kind}`)}</strong> {who} · {formatInstant(e.at, zone)}
      {age && <span className="muted"> ({age})</span>}
      {change && (
        <div>
          <code>{change.path}</code>: {show(change.value)} → {show(after?.value)}
          {e.recordVersion !== null && (
            <span className="muted">
              {' '}
              ({t('queries.event.version', { version: e.recordVersion })})
            </span>
          )}
          {e.text && <> · {t('history.reason', { reason: e.text })}</>}
        </div>
      )}
      {!change && e.text && !(e.kind === 'raised' && e.text === question) && (
        <div className="query-text">“{e.text}”</div>
      )}
    </li>
  );
}

/** A query's actions for the person looking: the site answers an open one; the monitor closes or re-opens. */
function QueryActions({ q, correctHint }: { q: DataQueryDetail; correctHint?: ReactNode }) {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  const [open, setOpen] = useState<'answer' | 'close' | 'reopen' | null>(null);
  const [text, setText] = useState('');
  const [missing, setMissing] = useState(false);
  const canAnswer = hasRole('coordinator', 'investigator', 'site_staff', 'blinded_assessor');
  const canClose = hasRole('monitor', 'statistician');
  const act = useMutation({
    mutationFn: (kind: 'answer' | 'close' | 'reopen') => {
      const params = { params: { path: { id: q.id } } };
      if (kind === 'answer')
        return call(api.POST('/queries/{id}/answer', { ...params, body: { text } }));
      if (kind === 'reopen')
        return call(api.POST('/queries/{id}/reopen', { ...params, body: { text } }));
      return call(
        api.POST('/queries/{id}/close', { ...params, body: text.trim() ? { text } : {} }),
      );
    },
    // The queries on screen are read again after any write (main.tsx).
    onSuccess: () => {
      setOpen(null);
      setText('');
    },
  });
  const required = open === 'answer' || open === 'reopen';
  const labels = {
    answer: t('queries.answer.label'),
    close: t('queries.close.label'),
    reopen: t('queries.reopen.label'),
  };
  const buttons = {
    answer: t('queries.answer.button'),
    close: t('queries.close.button'),
    reopen: t('queries.reopen.button'),
  };
  const offered = [
    ...(canAnswer && q.status === 'open' ? (['answer'] as const) : []),
    ...(canClose && q.status !== 'closed' ? (['close'] as const) : []),
    ...(canClose && q.status !== 'open' ? (['reopen'] as const) : []),
  ];
  if (offered.length === 0) return null;
  if (!open)
    return (
      <div className="row">
        {offered.map((k) => (
          <button
            key={k}
            type="button"
            className={k === 'answer' ? undefined : 'secondary'}
            onClick={() => (setOpen(k), setMissing(false), act.reset())}
          >
            {buttons[k]}
          </button>
        ))}
      </div>
    );
  return (
    <form
      className="query-action"
      aria-label={`${buttons[open]}: ${q.item.label}`}
      noValidate
      onSubmit={(ev) => {
        ev.preventDefault();
        if (required && !text.trim()) return setMissing(true);
        act.mutate(open);
      }}
    >
      {open === 'answer' && correctHint && <p className="small">{correctHint}</p>}
      <Field label={labels[open]} error={missing ? t(`queries.${open}.required`) : undefined}>
        {(c) => <textarea {...c} rows={2} value={text} onChange={(e) => setText(e.target.value)} />}
      </Field>
      <ErrorBox error={act.error} title={t('queries.notSaved')} />
      <div className="row">
        <button type="submit" disabled={act.isPending}>
          {act.isPending ? t('common.working') : buttons[open]}
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(null)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** A monitor raises a query: which field, and the question to the site. */
function RaiseQuery({
  recordEntity,
  recordId,
  targets,
  what,
}: {
  recordEntity: string;
  recordId: string;
  targets: QueryTarget[];
  what: string;
}) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(false);
  const [target, setTarget] = useState('');
  const [text, setText] = useState('');
  const [missing, setMissing] = useState<{ target?: boolean; text?: boolean }>({});
  const raise = useMutation({
    mutationFn: () => {
      const tg = targets[Number(target)];
      return call(
        api.POST('/queries', {
          body: {
            recordEntity,
            recordId,
            itemId: tg.itemId,
            ...(tg.path ? { path: tg.path } : {}),
            text,
          },
        }),
      );
    },
    // The queries on screen are read again after any write (main.tsx).
    onSuccess: () => {
      setShown(false);
      setTarget('');
      setText('');
    },
  });
  if (!shown)
    return (
      <button type="button" onClick={() => (setShown(true), raise.reset())}>
        {t('queries.raise.open', { what })}
      </button>
    );
  return (
    <form
      className="panel"
      aria-label={t('queries.raise.title', { what })}
      noValidate
      onSubmit={(ev) => {
        ev.preventDefault();
        const m = { target: target === '', text: !text.trim() };
        setMissing(m);
        if (!m.target && !m.text) raise.mutate();
      }}
    >
      <h3>{t('queries.raise.title', { what })}</h3>
      <Field
        label={t('queries.raise.field')}
        error={missing.target ? t('queries.raise.fieldRequired') : undefined}
      >
        {(c) => (
          <select {...c} value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">{t('queries.raise.choose')}</option>
            {targets.map((tg, i) => (
              <option key={`${tg.itemId}:${tg.path ?? ''}`} value={String(i)}>
                {tg.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label={t('queries.raise.question')}
        hint={t('queries.raise.questionHint')}
        error={missing.text ? t('queries.raise.questionRequired') : undefined}
      >
        {(c) => <textarea {...c} rows={3} value={text} onChange={(e) => setText(e.target.value)} />}
      </Field>
      <ErrorBox error={raise.error} title={t('queries.notSaved')} />
      <div className="row">
        <button type="submit" disabled={raise.isPending}>
          {raise.isPending ? t('common.working') : t('queries.raise.button')}
        </button>
        <button type="button" className="secondary" onClick={() => setShown(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/**
 * The query panel of one record: each query (field, question, state) with every step, and what
 * the person looking may do; a monitor or the statistician raises a new one on a field.
 */
export function RecordQueries({
  recordEntity,
  recordId,
  siteId,
  what,
  queries,
  targets,
  correctHint,
  level = 2,
}: {
  recordEntity: string;
  recordId: string;
  siteId: string;
  /** The record in words, e.g. "the visit log". */
  what: string;
  queries: UseQueryResult<DataQueryDetail[]>;
  targets: QueryTarget[];
  /** For the site: where the value is corrected (then the correction links itself to the query). */
  correctHint?: ReactNode;
  level?: 2 | 3;
}) {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  const zone = useZone(siteId);
  const headingId = useId();
  const canRaise = hasRole('monitor', 'statistician');
  const list = queries.data ?? [];
  const unresolved = list.filter(isUnresolved).length;
  // Arriving from a link to one query (the worklist: …#query-<id>): show it once it has loaded.
  const loaded = queries.isSuccess;
  useEffect(() => {
    const target = loaded && window.location.hash.startsWith('#query-') ? window.location.hash : '';
    const el = target ? document.getElementById(target.slice(1)) : null;
    if (el) el.scrollIntoView({ block: 'start' });
  }, [loaded]);
  if (!canRaise && list.length === 0) return null;
  const H = level === 2 ? 'h2' : 'h3';
  const Hq = level === 2 ? 'h3' : 'h4';
  return (
    <section aria-labelledby={headingId} className="queries-panel">
      <H id={headingId}>
        {t('queries.panel.title', { what })}{' '}
        <span className="muted">({t('queries.panel.count', { count: unresolved })})</span>
      </H>
      {queries.isPending && <Loading />}
      <ErrorBox error={queries.error} title={t('queries.loadFailed')} />
      {queries.isSuccess && list.length === 0 && <p className="muted">{t('queries.panel.none')}</p>}
      <ol className="query-list">
        {list.map((q) => (
          <li key={q.id} id={`query-${q.id}`} className={`panel query ${q.status}`}>
            <Hq>
              {q.item.label} <code className="small">{q.item.path}</code>{' '}
              <QueryStatusTag status={q.status} />
            </Hq>
            <p className="query-question">{q.text}</p>
            <ol className="timeline" aria-label={t('queries.panel.steps')}>
              {q.events.map((e, i) => (
                <EventLine
                  key={i}
                  e={e}
                  zone={zone}
                  question={q.text}
                  age={
                    e.kind === 'raised' && i === 0
                      ? t('queries.panel.age', { count: q.ageDays })
                      : undefined
                  }
                />
              ))}
            </ol>
            <QueryActions q={q} correctHint={correctHint} />
          </li>
        ))}
      </ol>
      {canRaise && targets.length > 0 && (
        <RaiseQuery recordEntity={recordEntity} recordId={recordId} targets={targets} what={what} />
      )}
    </section>
  );
}

/** Where a query's record is entered: the visit page, else the participant's page. */
export function recordHref(q: Pick<DataQuery, 'id' | 'record' | 'participantId'>): string {
  const base =
    q.record.entity === 'visit_log' || q.record.entity === 'visit_assessment'
      ? `/visits/${q.record.id}`
      : `/participants/${q.participantId}`;
  return `${base}#query-${q.id}`;
}

export function queryColumns(
  t: (k: string, o?: Record<string, unknown>) => string,
  withStatus: boolean,
) {
  return [
    {
      id: 'participant',
      header: t('queries.col.participant'),
      cell: ({ row }: { row: { original: DataQuery } }) => (
        <Link to={recordHref(row.original)} className="nowrap">
          {row.original.studyId ?? row.original.participantId.slice(0, 8)}
        </Link>
      ),
    },
    {
      id: 'record',
      header: t('queries.col.record'),
      cell: ({ row }: { row: { original: DataQuery } }) => (
        <>
          <Link to={recordHref(row.original)}>{row.original.record.label}</Link>
          <div className="small muted">{itemWords(row.original.item)}</div>
        </>
      ),
    },
    {
      id: 'question',
      header: t('queries.col.question'),
      cell: ({ row }: { row: { original: DataQuery } }) => (
        <span className="query-text">{row.original.text}</span>
      ),
    },
    ...(withStatus
      ? [
          {
            id: 'status',
            header: t('queries.col.status'),
            cell: ({ row }: { row: { original: DataQuery } }) => (
              <QueryStatusTag status={row.original.status} />
            ),
          },
        ]
      : []),
    {
      id: 'age',
      header: t('queries.col.age'),
      cell: ({ row }: { row: { original: DataQuery } }) => (
        <span className="nowrap">
          {t('queries.days', { count: row.original.ageDays })}
          {row.original.raisedBy && <div className="small muted">{row.original.raisedBy}</div>}
        </span>
      ),
    },
  ];
}

/** The site's open queries (its worklist): each links to the record where it is answered. */
export function OpenQueries({ siteId }: { siteId?: string }) {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ['queries', 'open', siteId ?? ''],
    queryFn: () =>
      call(
        api.GET('/queries', {
          params: { query: { status: 'open', pageSize: 100, ...(siteId ? { siteId } : {}) } },
        }),
      ),
  });
  return (
    <section aria-labelledby="h-open-queries" className="open-queries">
      <h2 id="h-open-queries">
        {t('queries.open.title')} <span className="muted">({query.data?.total ?? '…'})</span>
      </h2>
      <p className="small muted">{t('queries.open.intro')}</p>
      {query.isPending && <Loading />}
      <ErrorBox error={query.error} title={t('queries.loadFailed')} />
      {query.data && (
        <>
          <DataTable
            data={query.data.items}
            columns={queryColumns(t, false)}
            empty={t('queries.open.none')}
          />
          {query.data.total > query.data.items.length && (
            <p className="small">
              <Link to="/queries">{t('queries.open.all', { count: query.data.total })}</Link>
            </p>
          )}
        </>
      )}
    </section>
  );
}

/** Per site: open and answered queries, and those open longer than the threshold (the monitor's ageing report). */
export function QueryAgeingReport() {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ['queries', 'ageing'],
    queryFn: () => call(api.GET('/queries/ageing')),
  });
  return (
    <section aria-labelledby="h-query-ageing">
      <h2 id="h-query-ageing">{t('queries.ageing.title')}</h2>
      {query.isPending && <Loading />}
      <ErrorBox error={query.error} title={t('queries.loadFailed')} />
      {query.data && (
        <DataTable
          data={query.data.sites}
          caption={t('queries.ageing.caption', { days: query.data.thresholdDays })}
          empty={t('queries.ageing.none')}
          initialSort={[{ id: 'overdue', desc: true }]}
          columns={[
            { id: 'site', accessorKey: 'siteLabel', header: t('queries.ageing.site') },
            { id: 'open', accessorKey: 'open', header: t('queries.ageing.open') },
            { id: 'answered', accessorKey: 'answered', header: t('queries.ageing.answered') },
            {
              id: 'overdue',
              accessorKey: 'overdue',
              header: t('queries.ageing.overdue', { days: query.data.thresholdDays }),
              cell: ({ row }) =>
                row.original.overdue > 0 ? <Tag tone="bad">{row.original.overdue}</Tag> : 0,
            },
            {
              id: 'oldest',
              accessorKey: 'oldestOpenDays',
              header: t('queries.ageing.oldest'),
              cell: ({ row }) =>
                row.original.oldestOpenDays === null
                  ? '—'
                  : t('queries.days', { count: row.original.oldestOpenDays }),
            },
          ]}
        />
      )}
    </section>
  );
}
