import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { Field, Pager, QueryView } from '../../components/ui';
import { formatInstant } from '../../lib/time';

/** The hash-chained audit trail with filters, and its verification. */
export function AdminAudit() {
  const [page, setPage] = useState(1);
  const [filters, setFilters] = useState({ action: '', entity: '', entityId: '' });
  const [verifyRun, setVerifyRun] = useState(0);
  const query = useQuery({
    queryKey: ['audit', page, filters],
    queryFn: () =>
      call(
        api.GET('/audit', {
          params: {
            query: {
              page,
              pageSize: 50,
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
      <h1>Audit trail</h1>
      <section className="panel" aria-labelledby="verify-h">
        <h2 id="verify-h" style={{ marginTop: 0 }}>
          Verification
        </h2>
        <p className="small">
          Recomputes the hash chain over every row; a changed or deleted row breaks it.
        </p>
        <button
          type="button"
          onClick={() => setVerifyRun((n) => n + 1)}
          disabled={verify.isFetching}
        >
          {verify.isFetching ? 'Verifying…' : 'Verify the chain'}
        </button>
        {verify.data && (
          <div className={`alert ${verify.data.valid ? 'ok' : 'error'}`} role="status">
            {verify.data.valid
              ? `The chain is intact: ${verify.data.rows} rows verified.`
              : `The chain is broken at row ${(verify.data.firstBreak as { seq?: string } | null)?.seq} (${(verify.data.firstBreak as { problem?: string } | null)?.problem}); ${verify.data.rows} rows checked.`}
          </div>
        )}
      </section>
      <form className="row" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <Field label="Action" hint="e.g. participant.transition">
          {(c) => <input {...c} value={filters.action} onChange={set('action')} />}
        </Field>
        <Field label="Entity" hint="e.g. participant">
          {(c) => <input {...c} value={filters.entity} onChange={set('entity')} />}
        </Field>
        <Field label="Entity id">
          {(c) => <input {...c} value={filters.entityId} onChange={set('entityId')} />}
        </Field>
      </form>
      <QueryView query={query} what="the audit trail">
        {(p) => (
          <>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">Entity</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Change</th>
                  </tr>
                </thead>
                <tbody>
                  {p.items.map((r) => (
                    <tr key={r.seq}>
                      <td>{r.seq}</td>
                      <td>{formatInstant(r.occurredAt)}</td>
                      <td>
                        {r.actorRole}
                        {r.actorId ? ` ${r.actorId.slice(0, 8)}` : ''}
                      </td>
                      <td>{r.action}</td>
                      <td>
                        {r.entity} {r.entityId ? r.entityId.slice(0, 8) : ''}
                      </td>
                      <td>{r.reason ?? '—'}</td>
                      <td>
                        <details>
                          <summary>before / after</summary>
                          <pre
                            className="small"
                            style={{ whiteSpace: 'pre-wrap', maxWidth: '30rem' }}
                          >
                            {JSON.stringify({ before: r.before, after: r.after }, null, 1)}
                          </pre>
                        </details>
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
