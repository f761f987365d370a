import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import { useUser } from '../auth/session';
import { ErrorBox, Pager, QueryView, Tag } from '../components/ui';
import { useZone } from '../lib/reference';
import { formatInstant } from '../lib/time';

export function Notifications() {
  const qc = useQueryClient();
  const user = useUser();
  const zone = useZone(user.siteIds[0]);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [page, setPage] = useState(1);
  const query = useQuery({
    queryKey: ['notifications', 'inbox', unreadOnly, page],
    queryFn: () =>
      call(
        api.GET('/notifications', {
          params: { query: { page, pageSize: 25, ...(unreadOnly ? { unread: true } : {}) } },
        }),
      ),
  });
  const mark = useMutation({
    mutationFn: (body: { ids?: string[]; all?: boolean }) =>
      call(api.POST('/notifications/read', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['notifications'] }),
  });
  return (
    <>
      <h1>Notifications</h1>
      <div className="row">
        <label>
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(e) => {
              setUnreadOnly(e.target.checked);
              setPage(1);
            }}
          />{' '}
          Unread only
        </label>
        <button
          type="button"
          className="secondary"
          onClick={() => mark.mutate({ all: true })}
          disabled={mark.isPending}
        >
          Mark all read
        </button>
      </div>
      <ErrorBox error={mark.error} />
      <QueryView query={query} what="notifications">
        {(p) => (
          <>
            <p>
              <strong>{p.unread}</strong> unread
            </p>
            {p.items.length === 0 ? (
              <p className="muted">No notifications.</p>
            ) : (
              <ul style={{ listStyle: 'none', padding: 0 }}>
                {p.items.map((n) => (
                  <li
                    key={n.id}
                    className="panel"
                    style={{
                      borderLeftWidth: n.readAt ? 1 : 5,
                      borderLeftColor: n.readAt ? undefined : '#0a4f9e',
                    }}
                  >
                    <div className="row" style={{ justifyContent: 'space-between' }}>
                      <strong>{n.subject}</strong>
                      <span className="small muted">{formatInstant(n.createdAt, zone)}</span>
                    </div>
                    <p style={{ whiteSpace: 'pre-line', margin: '0.4rem 0' }}>{n.body}</p>
                    <NoticeLink data={n.data} />
                    {n.readAt ? (
                      <Tag>read</Tag>
                    ) : (
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => mark.mutate({ ids: [n.id] })}
                      >
                        Mark read
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            <Pager page={p.page} pageSize={p.pageSize} total={p.total} onPage={setPage} />
          </>
        )}
      </QueryView>
    </>
  );
}

/** Where a notice's work is: the visit, or the participant (the notices carry their ids). */
function NoticeLink({ data = {} }: { data?: Record<string, unknown> }) {
  const id = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : null);
  const visitId = id('visitId');
  const participantId = id('participantId');
  if (visitId) return <Link to={`/visits/${visitId}`}>Open the visit</Link>;
  if (participantId) return <Link to={`/participants/${participantId}`}>Open the participant</Link>;
  return null;
}
