import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { useUser } from '../auth/session';
import { DataTable, ErrorBox, QueryView, Tag } from '../components/ui';
import { useZone } from '../lib/reference';
import { humanise } from '../lib/labels';
import { formatInstant } from '../lib/time';

/** The user's calendar subscriptions: when each was last read, and revoking one. */
export function CalendarFeeds() {
  const qc = useQueryClient();
  const user = useUser();
  const zone = useZone(user.siteIds[0]);
  const query = useQuery({
    queryKey: ['calendar-feeds'],
    queryFn: () => call(api.GET('/calendar-feeds')),
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      call(api.DELETE('/calendar-feeds/{id}', { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['calendar-feeds'] }),
  });
  return (
    <>
      <h1>Calendar subscriptions</h1>
      <p className="muted">
        Private addresses your calendar applications read. Make a new one from a site&rsquo;s
        follow-up page or a transplant centre&rsquo;s page. A revoked address stops at once.
      </p>
      <ErrorBox error={revoke.error} />
      <QueryView query={query} what="calendar subscriptions">
        {(feeds) => (
          <DataTable
            data={feeds}
            empty="You have no calendar subscriptions."
            columns={[
              { id: 'label', header: 'Name', cell: ({ row }) => row.original.label },
              {
                id: 'feed',
                header: 'Calendar',
                cell: ({ row }) =>
                  row.original.feed === 'visits' ? 'Follow-up visits' : 'aHSCT admissions',
              },
              {
                id: 'role',
                header: 'As',
                cell: ({ row }) => humanise(row.original.actingRole),
              },
              {
                id: 'created',
                header: 'Made',
                cell: ({ row }) => formatInstant(row.original.createdAt, zone),
              },
              {
                id: 'used',
                header: 'Last read',
                cell: ({ row }) =>
                  row.original.lastUsedAt ? formatInstant(row.original.lastUsedAt, zone) : '—',
              },
              {
                id: 'state',
                header: '',
                cell: ({ row }) =>
                  row.original.revokedAt ? (
                    <Tag>revoked</Tag>
                  ) : (
                    <button
                      type="button"
                      className="secondary"
                      disabled={revoke.isPending}
                      onClick={() => revoke.mutate(row.original.id)}
                    >
                      Revoke
                    </button>
                  ),
              },
            ]}
          />
        )}
      </QueryView>
    </>
  );
}
