import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call, getBlob, type AuditEntry } from '../../api/client';
import { useSession } from '../../auth/session';
import { ErrorBox, Field, Pager, QueryView } from '../../components/ui';
import { formatInstant } from '../../lib/time';

/** The shape of a study id (src/modules/participants/study-id.ts). */
const STUDY_ID = /^[A-Z]{2}-[A-Z]{2,5}-\d{4}$/;

type Change = AuditEntry['changes'][number];

/** Saves a participant's history (fetched with the session's token) as `<study id>-history.csv`. */
async function saveHistory(studyId: string): Promise<void> {
  const blob = await getBlob(`/audit/participants/${encodeURIComponent(studyId)}/history.csv`);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${studyId}-history.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

/** One changed field: its label in the page's language (from the registry's key), before → after. */
function ChangeLine({ change }: { change: Change }) {
  const { t } = useTranslation();
  const value = (v: unknown): string =>
    v === null || v === undefined || v === ''
      ? t('audit.empty')
      : typeof v === 'boolean'
        ? t(v ? 'audit.yes' : 'audit.no')
        : typeof v === 'string' || typeof v === 'number'
          ? String(v)
          : JSON.stringify(v);
  const keys = /\[[^\]]*\]/.test(change.field)
    ? (change.label.match(/ \[[^\]]*\]$/)?.[0] ?? '')
    : '';
  const label = change.labelKey
    ? `${t(change.labelKey, { defaultValue: change.label })}${keys}`
    : change.label;
  return (
    <li>
      {t('audit.change', { label, before: value(change.before), after: value(change.after) })}
    </li>
  );
}

/** The hash-chained audit trail with filters (a participant by study id), and its verification. */
export function AdminAudit() {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  const monitor = hasRole('monitor');
  const [page, setPage] = useState(1);
  const [filters, setFilters] = useState({ studyId: '', action: '', entity: '', entityId: '' });
  const [verifyRun, setVerifyRun] = useState(0);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const studyId = filters.studyId.toUpperCase();
  const studyIdValid = studyId === '' || STUDY_ID.test(studyId);
  const query = useQuery({
    queryKey: ['audit', page, filters],
    queryFn: () =>
      call(
        api.GET('/audit', {
          params: {
            query: {
              page,
              pageSize: 50,
              ...(studyId && studyIdValid ? { studyId } : {}),
              ...(filters.action ? { action: filters.action } : {}),
              ...(filters.entity ? { entity: filters.entity } : {}),
              ...(filters.entityId ? { entityId: filters.entityId } : {}),
            },
          },
        }),
      ),
    placeholderData: (p) => p,
  });
  const verify = useQuery({
    queryKey: ['audit', 'verify', verifyRun],
    queryFn: () => call(api.GET('/audit/verify')),
    enabled: verifyRun > 0,
  });
  const set = (k: keyof typeof filters) => (e: { target: { value: string } }) => {
    setPage(1);
    setFilters((f) => ({ ...f, [k]: e.target.value.trim() }));
  };
  return (
    <>
      <h1>{t('audit.title')}</h1>
      <section className="panel" aria-labelledby="verify-h">
        <h2 id="verify-h" style={{ marginTop: 0 }}>
          {t('audit.verification')}
        </h2>
        <p className="small">{t('audit.verifyIntro')}</p>
        <button
          type="button"
          onClick={() => setVerifyRun((n) => n + 1)}
          disabled={verify.isFetching}
        >
          {verify.isFetching ? t('audit.verifying') : t('audit.verify')}
        </button>
        {verify.data && (
          <div className={`alert ${verify.data.valid ? 'ok' : 'error'}`} role="status">
            {verify.data.valid
              ? t('audit.intact', { rows: verify.data.rows })
              : t('audit.broken', {
                  seq: (verify.data.firstBreak as { seq?: string } | null)?.seq,
                  problem: (verify.data.firstBreak as { problem?: string } | null)?.problem,
                  rows: verify.data.rows,
                })}
          </div>
        )}
      </section>
      <form className="row" onSubmit={(e) => e.preventDefault()} aria-label={t('audit.filters')}>
        <Field
          label={t('audit.studyId')}
          hint={t('audit.studyIdHint')}
          error={studyIdValid ? undefined : t('audit.studyIdInvalid')}
        >
          {(c) => <input {...c} value={filters.studyId} onChange={set('studyId')} />}
        </Field>
        <Field label={t('audit.action')} hint={t('audit.actionHint')}>
          {(c) => <input {...c} value={filters.action} onChange={set('action')} />}
        </Field>
        <Field label={t('audit.entity')} hint={t('audit.entityHint')}>
          {(c) => <input {...c} value={filters.entity} onChange={set('entity')} />}
        </Field>
        <Field label={t('audit.entityId')}>
          {(c) => <input {...c} value={filters.entityId} onChange={set('entityId')} />}
        </Field>
      </form>
      {monitor && studyId && studyIdValid && (
        <p>
          <button
            type="button"
            onClick={() => {
              setDownloadError(null);
              saveHistory(studyId).catch(setDownloadError);
            }}
          >
            {t('audit.downloadHistory')}
          </button>
        </p>
      )}
      <ErrorBox error={downloadError} title={t('audit.downloadFailed')} />
      <QueryView query={query} what={t('audit.what')}>
        {(p) => (
          <>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">{t('audit.colWhen')}</th>
                    <th scope="col">{t('audit.colWho')}</th>
                    <th scope="col">{t('audit.colParticipant')}</th>
                    <th scope="col">{t('audit.colAction')}</th>
                    <th scope="col">{t('audit.colRecord')}</th>
                    <th scope="col">{t('audit.colChange')}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.items.map((r) => (
                    <tr key={r.seq}>
                      <td>{r.seq}</td>
                      <td>{formatInstant(r.occurredAt)}</td>
                      <td>
                        {r.actorName ?? t('audit.system')}
                        <div className="small">{r.actorRole}</div>
                      </td>
                      <td>{r.studyId ?? '—'}</td>
                      <td>{r.action}</td>
                      <td>{r.entity}</td>
                      <td>
                        <div>{r.summary}</div>
                        {r.redacted && <div className="small">{t('audit.withheld')}</div>}
                        {r.changes.length > 0 && (
                          <details>
                            <summary>{t('audit.changes')}</summary>
                            <ul className="small">
                              {r.changes.map((c) => (
                                <ChangeLine key={c.field} change={c} />
                              ))}
                            </ul>
                            <details>
                              <summary className="small">{t('audit.raw')}</summary>
                              <pre
                                className="small"
                                style={{ whiteSpace: 'pre-wrap', maxWidth: '30rem' }}
                              >
                                {JSON.stringify({ before: r.before, after: r.after }, null, 1)}
                              </pre>
                            </details>
                          </details>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={p.page} pageSize={p.pageSize} total={p.total} onPage={setPage} />
          </>
        )}
      </QueryView>
    </>
  );
}
