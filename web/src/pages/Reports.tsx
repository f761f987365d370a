import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call, getText } from '../api/client';
import { useSession } from '../auth/session';
import { Field, Pager, QueryView } from '../components/ui';
import { STATUS_LABELS } from '../lib/labels';
import { useSiteMap } from '../lib/reference';
import { formatDayOf } from '../lib/time';

export function Reports() {
  const { hasRole } = useSession();
  return (
    <>
      <h1>Reports</h1>
      {hasRole('coordinator', 'investigator', 'statistician', 'monitor', 'admin') && <Consort />}
      {hasRole('coordinator', 'investigator', 'monitor', 'statistician') && <ScreeningLog />}
      {hasRole('coordinator', 'investigator', 'site_staff', 'statistician', 'monitor') && (
        <Retention />
      )}
    </>
  );
}

/** The CONSORT 2025 flow diagram, drawn by the API from live data (an image: no script runs). */
function Consort() {
  const svg = useQuery({
    queryKey: ['reports', 'consort.svg'],
    queryFn: () => getText('/reports/consort.svg'),
  });
  const numbers = useQuery({
    queryKey: ['reports', 'consort'],
    queryFn: () => call(api.GET('/reports/consort')),
  });
  const src = svg.data
    ? `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg.data)))}`
    : null;
  return (
    <section aria-labelledby="consort-h">
      <h2 id="consort-h">CONSORT flow diagram</h2>
      <QueryView query={svg} what="the CONSORT diagram">
        {() => (
          <img
            className="consort"
            src={src ?? ''}
            alt={
              numbers.data
                ? `CONSORT flow: ${numbers.data.enrolment.assessedForEligibility} assessed for eligibility, ${numbers.data.enrolment.randomised} randomised; the numbers per arm follow in the diagram.`
                : 'CONSORT flow diagram'
            }
          />
        )}
      </QueryView>
    </section>
  );
}

/** CONSORT exclusion codes in words. */
const EXCLUDED_AS: Record<string, string> = {
  not_meeting_criteria: 'Not meeting criteria',
  declined: 'Declined',
  other: 'Other',
};

function ScreeningLog() {
  const sites = useSiteMap();
  const [page, setPage] = useState(1);
  const [decision, setDecision] = useState<'' | 'eligible' | 'ineligible'>('');
  const [code, setCode] = useState('');
  const query = useQuery({
    queryKey: ['reports', 'screening-log', page, decision, code],
    queryFn: () =>
      call(
        api.GET('/screening-log', {
          params: {
            query: {
              page,
              pageSize: 25,
              ...(decision ? { decision } : {}),
              ...(code ? { exclusionCode: code } : {}),
            },
          },
        }),
      ),
    placeholderData: (p) => p,
  });
  return (
    <section aria-labelledby="log-h">
      <h2 id="log-h">Screening log</h2>
      <div className="row">
        <Field label="Decision">
          {(c) => (
            <select
              {...c}
              value={decision}
              onChange={(e) => {
                setDecision(e.target.value as typeof decision);
                setPage(1);
              }}
            >
              <option value="">All</option>
              <option value="eligible">Eligible</option>
              <option value="ineligible">Not eligible</option>
            </select>
          )}
        </Field>
      </div>
      <QueryView query={query} what="the screening log">
        {(log) => (
          <>
            <p>
              Assessed for eligibility {log.consort.assessedForEligibility}; excluded{' '}
              {log.consort.excluded} (not meeting criteria {log.consort.notMeetingCriteria},
              declined {log.consort.declined}, other {log.consort.other}; of these, screen failures{' '}
              {log.consort.screenFailures}, withdrawals {log.consort.withdrawn}); still in screening{' '}
              {log.consort.inScreening}; randomised {log.consort.randomised}.
            </p>
            {log.exclusionCounts.length > 0 && (
              <div className="table-wrap">
                <table>
                  <caption>Exclusion reasons (click to filter)</caption>
                  <thead>
                    <tr>
                      <th scope="col">Criterion</th>
                      <th scope="col">Candidates</th>
                    </tr>
                  </thead>
                  <tbody>
                    {log.exclusionCounts.map((x) => (
                      <tr key={x.code}>
                        <td>
                          <button
                            type="button"
                            className="link"
                            onClick={() => (setCode(code === x.code ? '' : x.code), setPage(1))}
                            aria-pressed={code === x.code}
                          >
                            {x.code}: {x.title}
                          </button>
                        </td>
                        <td>{x.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <div className="table-wrap">
              <table>
                <caption>Candidates{code ? ` excluded by ${code}` : ''}</caption>
                <thead>
                  <tr>
                    <th scope="col">Candidate</th>
                    <th scope="col">Site</th>
                    <th scope="col">Status</th>
                    <th scope="col">Decision</th>
                    <th scope="col">Exclusion reasons</th>
                    <th scope="col">Excluded as</th>
                    <th scope="col">Registered</th>
                  </tr>
                </thead>
                <tbody>
                  {log.items.map((e) => (
                    <tr key={e.participantId}>
                      <td>
                        <Link to={`/participants/${e.participantId}`}>
                          {e.studyId ?? 'pre-screened'}
                        </Link>
                      </td>
                      <td>{e.siteLabel}</td>
                      <td>{STATUS_LABELS[e.status]}</td>
                      <td>{e.decision ?? '—'}</td>
                      <td>{e.exclusionCodes.join(', ') || '—'}</td>
                      <td>
                        {e.exclusion ? (EXCLUDED_AS[e.exclusion] ?? e.exclusion) : '—'}
                        {e.screenFailure && (
                          <div className="small">
                            screen failure ({e.screenFailure.stage.replace(/_/g, ' ')},{' '}
                            {e.screenFailure.date}): {e.screenFailure.detail}
                          </div>
                        )}
                        {!e.screenFailure && e.withdrawnAt && (
                          <div className="small">
                            withdrawn{e.withdrawalReason ? `: ${e.withdrawalReason}` : ''}
                          </div>
                        )}
                      </td>
                      <td>{formatDayOf(e.registeredAt, sites.get(e.siteId)?.timeZone)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={log.page} pageSize={log.pageSize} total={log.total} onPage={setPage} />
          </>
        )}
      </QueryView>
    </section>
  );
}

function Retention() {
  const query = useQuery({
    queryKey: ['reports', 'follow-up'],
    queryFn: () => call(api.GET('/reports/follow-up')),
  });
  return (
    <section aria-labelledby="ret-h">
      <h2 id="ret-h">Follow-up and retention per site (this month)</h2>
      <QueryView query={query} what="retention">
        {(rows) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Site</th>
                  <th scope="col">Due this month</th>
                  <th scope="col">Logged</th>
                  <th scope="col">Overdue</th>
                  <th scope="col">Missed (all time)</th>
                  <th scope="col">Completion</th>
                  <th scope="col">Open deviations</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.siteId}>
                    <th scope="row">{r.siteLabel}</th>
                    <td>{r.dueThisMonth}</td>
                    <td>{r.loggedDueThisMonth}</td>
                    <td>{r.overdue}</td>
                    <td>{r.missed}</td>
                    <td>
                      {r.completionRate === null ? '—' : `${Math.round(r.completionRate * 100)}%`}
                    </td>
                    <td>{r.openDeviations}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </section>
  );
}
