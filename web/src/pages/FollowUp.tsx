import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DateTime } from 'luxon';
import { useState } from 'react';
import { Link } from 'react-router';
import { CalendarSubscribe } from '../components/CalendarSubscribe';
import { api, call } from '../api/client';
import type { VisitRef } from '../api/client';
import { useSession, useUser } from '../auth/session';
import { OpenQueries } from '../components/DataQueries';
import { DataTable, ErrorBox, Field, QueryView, Tag } from '../components/ui';
import { humanise } from '../lib/labels';
import { useSiteMap, useSites } from '../lib/reference';
import { formatDate, formatInstant, todayIn } from '../lib/time';

/** Upcoming, overdue and missed visits; deviations; the SAE clock. Blinded assessors see visits only. */
export function FollowUp() {
  const user = useUser();
  const { hasRole } = useSession();
  const sites = useSiteMap();
  const sitesQuery = useSites();
  const mine = (
    user.trialWide
      ? [...sites.values()]
      : user.siteIds.map((id) => sites.get(id)).filter((s) => !!s)
  ).filter((s) => s.roles.includes('screening'));
  const [chosen, setChosen] = useState('');
  const site = sites.get(chosen) ?? mine[0];
  const unblinded = hasRole('coordinator', 'investigator', 'site_staff', 'monitor');
  if (!site)
    return (
      <>
        <h1>Follow-up</h1>
        <QueryView query={sitesQuery} what="your sites">
          {() => <p className="muted">You have no screening site.</p>}
        </QueryView>
      </>
    );
  return (
    <>
      <h1>Follow-up at {site.label}</h1>
      {mine.length > 1 && (
        <Field label="Site">
          {(c) => (
            <select {...c} value={site.id} onChange={(e) => setChosen(e.target.value)}>
              {mine.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label} · {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <p className="small muted">Dates are calendar days at the site ({site.timeZone}).</p>
      {hasRole('coordinator', 'investigator', 'site_staff') && <OpenQueries siteId={site.id} />}
      {unblinded && <SiteReport siteId={site.id} />}
      <Upcoming siteId={site.id} zone={site.timeZone} />
      {unblinded && <Deviations siteId={site.id} />}
      {unblinded && <SaeClock siteId={site.id} zone={site.timeZone} />}
    </>
  );
}

function VisitLinks({ rows, empty }: { rows: VisitRef[]; empty: string }) {
  return (
    <DataTable
      data={rows}
      empty={empty}
      columns={[
        { id: 'who', header: 'Participant', cell: ({ row }) => row.original.studyId ?? '—' },
        {
          id: 'visit',
          header: 'Visit',
          cell: ({ row }) => (
            <Link to={`/visits/${row.original.visitId}`}>{row.original.code}</Link>
          ),
        },
        {
          id: 'window',
          header: 'Window',
          cell: ({ row }) =>
            `${formatDate(row.original.windowStart)} – ${formatDate(row.original.windowEnd)}`,
        },
        { id: 'missed', header: 'Missed on', cell: ({ row }) => formatDate(row.original.missedOn) },
      ]}
    />
  );
}

function SiteReport({ siteId }: { siteId: string }) {
  const query = useQuery({
    queryKey: ['follow-up', siteId, 'report'],
    queryFn: () =>
      call(api.GET('/reports/follow-up/sites/{siteId}', { params: { path: { siteId } } })),
  });
  return (
    <QueryView query={query} what="the follow-up summary">
      {(r) => (
        <>
          <div className="grid" aria-label="This month">
            <div className="panel">
              <div className="label">Due this month</div>
              {r.loggedDueThisMonth} of {r.dueThisMonth} logged
            </div>
            <div className="panel">
              <div className="label">Overdue</div>
              {r.overdue > 0 ? <Tag tone="warn">{r.overdue}</Tag> : 0}
            </div>
            <div className="panel">
              <div className="label">Missed</div>
              {r.missed > 0 ? <Tag tone="bad">{r.missed}</Tag> : 0}
            </div>
            <div className="panel">
              <div className="label">Open deviations</div>
              {r.openDeviations}
            </div>
          </div>
          <h2>Overdue visits</h2>
          <VisitLinks rows={r.overdueVisits ?? []} empty="No overdue visits." />
          <h2>Missed visits</h2>
          <VisitLinks rows={r.missedVisits ?? []} empty="No missed visits." />
        </>
      )}
    </QueryView>
  );
}

function Upcoming({ siteId, zone }: { siteId: string; zone: string }) {
  const today = todayIn(zone);
  const [to, setTo] = useState(
    () => DateTime.fromISO(today).plus({ weeks: 8 }).toISODate() ?? today,
  );
  const query = useQuery({
    queryKey: ['follow-up', siteId, 'calendar', today, to],
    queryFn: () =>
      call(
        api.GET('/follow-up/sites/{siteId}/calendar', {
          params: { path: { siteId }, query: { from: today, to } },
        }),
      ),
  });
  return (
    <section aria-labelledby="upcoming-h">
      <h2 id="upcoming-h">Upcoming visits</h2>
      <CalendarSubscribe key={siteId} kind="visits" siteId={siteId} />
      <Field label="Show visits whose window opens until">
        {(c) => (
          <input
            {...c}
            type="date"
            value={to}
            min={today}
            onChange={(e) => e.target.value && setTo(e.target.value)}
          />
        )}
      </Field>
      <QueryView query={query} what="upcoming visits">
        {(cal) => (
          <DataTable
            data={cal.items}
            empty="No visits in this period."
            columns={[
              { id: 'who', header: 'Participant', cell: ({ row }) => row.original.studyId },
              {
                id: 'visit',
                header: 'Visit',
                cell: ({ row }) => (
                  <Link
                    to={`/visits/${row.original.visitId}`}
                  >{`${row.original.code} · ${row.original.label}`}</Link>
                ),
              },
              {
                id: 'target',
                header: 'Target',
                cell: ({ row }) => formatDate(row.original.targetDate),
              },
              {
                id: 'window',
                header: 'Window',
                cell: ({ row }) =>
                  `${formatDate(row.original.windowStart)} – ${formatDate(row.original.windowEnd)}`,
              },
              { id: 'status', header: 'Status', cell: ({ row }) => humanise(row.original.status) },
            ]}
          />
        )}
      </QueryView>
    </section>
  );
}

function Deviations({ siteId }: { siteId: string }) {
  const query = useQuery({
    queryKey: ['follow-up', siteId, 'deviations'],
    queryFn: () =>
      call(api.GET('/follow-up/deviations', { params: { query: { siteId, pageSize: 100 } } })),
  });
  return (
    <section aria-labelledby="dev-h">
      <h2 id="dev-h">Protocol deviations</h2>
      <QueryView query={query} what="deviations">
        {(p) => (
          <DataTable
            data={p.items}
            empty="No deviations."
            columns={[
              { id: 'who', header: 'Participant', cell: ({ row }) => row.original.studyId ?? '—' },
              {
                id: 'visit',
                header: 'Visit',
                cell: ({ row }) => (
                  <Link to={`/visits/${row.original.visitId}`}>{row.original.visitCode}</Link>
                ),
              },
              {
                id: 'what',
                header: 'Deviation',
                cell: ({ row }) =>
                  `${humanise(row.original.kind)}: logged ${formatDate(row.original.visitDate)}, ${row.original.daysOutside} day(s) ${row.original.direction === 'early' ? 'before' : 'after'} the window ${formatDate(row.original.windowStart)} – ${formatDate(row.original.windowEnd)}`,
              },
              {
                id: 'status',
                header: 'Status',
                cell: ({ row }) =>
                  row.original.status === 'open' ? (
                    <Tag tone="warn">open</Tag>
                  ) : (
                    `voided: ${row.original.voidReason ?? ''}`
                  ),
              },
            ]}
          />
        )}
      </QueryView>
    </section>
  );
}

function SaeClock({ siteId, zone }: { siteId: string; zone: string }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const [refs, setRefs] = useState<Record<string, string>>({});
  const query = useQuery({
    queryKey: ['follow-up', siteId, 'sae'],
    queryFn: () =>
      call(
        api.GET('/follow-up/adverse-events', {
          params: { query: { siteId, serious: true, pageSize: 100 } },
        }),
      ),
    refetchInterval: 60_000,
  });
  const report = useMutation({
    mutationFn: (id: string) =>
      call(
        api.POST('/follow-up/adverse-events/{id}/reported', {
          params: { path: { id } },
          body: { reference: refs[id] ?? '' },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['follow-up', siteId, 'sae'] }),
  });
  return (
    <section aria-labelledby="sae-h">
      <h2 id="sae-h">Serious adverse events: the 24-hour reporting clock</h2>
      <QueryView query={query} what="serious adverse events">
        {(p) => (
          <DataTable
            data={p.items}
            empty="No serious adverse events."
            columns={[
              { id: 'who', header: 'Participant', cell: ({ row }) => row.original.studyId ?? '—' },
              {
                id: 'term',
                header: 'Event',
                cell: ({ row }) =>
                  `${row.original.term} (onset ${formatDate(row.original.onsetDate)})`,
              },
              {
                id: 'clock',
                header: 'Report to sponsor',
                cell: ({ row }) => {
                  const c = row.original.reportingClock;
                  if (!c) return '—';
                  if (c.state === 'reported' || c.state === 'reported_late')
                    return (
                      <Tag tone={c.state === 'reported' ? 'ok' : 'warn'}>
                        reported {formatInstant(c.reportedAt, zone)}
                        {c.state === 'reported_late' ? ' (late)' : ''}
                      </Tag>
                    );
                  return (
                    <Tag tone={c.state === 'overdue' ? 'bad' : 'warn'}>
                      {c.state === 'overdue'
                        ? `overdue since ${formatInstant(c.dueAt, zone)}`
                        : `due ${formatInstant(c.dueAt, zone)} (${c.hoursRemaining} h left)`}
                    </Tag>
                  );
                },
              },
              {
                id: 'susar',
                header: 'SUSAR (7/15 days)',
                cell: ({ row }) => {
                  const c = row.original.susarClock;
                  if (!c) return '—';
                  if (c.reportedAt)
                    return (
                      <Tag tone={c.state === 'reported' ? 'ok' : 'warn'}>
                        reported {formatInstant(c.reportedAt, zone)}
                        {c.state === 'reported_late' ? ' (late)' : ''}
                      </Tag>
                    );
                  return (
                    <Tag tone={c.state === 'overdue' ? 'bad' : 'warn'}>
                      {c.state === 'overdue'
                        ? `overdue since ${formatDate(c.dueDate)}`
                        : `due ${formatDate(c.dueDate)} (${c.daysRemaining} days left)`}
                    </Tag>
                  );
                },
              },
              {
                id: 'act',
                header: 'Action',
                cell: ({ row }) => {
                  const ae = row.original;
                  if (
                    !hasRole('investigator') ||
                    !ae.reportingClock ||
                    ae.reportingClock.reportedAt
                  )
                    return ae.reportReference ?? '';
                  return (
                    <div className="row">
                      <Field label="Sponsor case reference">
                        {(c) => (
                          <input
                            {...c}
                            value={refs[ae.id] ?? ''}
                            onChange={(e) => setRefs((r) => ({ ...r, [ae.id]: e.target.value }))}
                          />
                        )}
                      </Field>
                      <div className="field">
                        <button
                          type="button"
                          disabled={!refs[ae.id] || report.isPending}
                          onClick={() => report.mutate(ae.id)}
                        >
                          Mark reported
                        </button>
                      </div>
                    </div>
                  );
                },
              },
            ]}
          />
        )}
      </QueryView>
      <ErrorBox error={report.error} />
    </section>
  );
}
