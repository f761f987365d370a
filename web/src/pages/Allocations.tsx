import { useQuery } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { DateTime } from 'luxon';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import type { Allocation } from '../api/client';
import { useSession, useUser } from '../auth/session';
import { DataTable, Field, Pager, QueryView, Tag } from '../components/ui';
import { DRUG_LABELS } from '../lib/labels';
import { useSiteMap } from '../lib/reference';
import { formatDate, formatInstant } from '../lib/time';

const col = createColumnHelper<Allocation>();
const PAGE_SIZE = 25;

/** Allocations with filters and paging; arm-B allocations without a drug link to the choice. */
export function Allocations() {
  const user = useUser();
  const { hasRole } = useSession();
  const sites = useSiteMap();
  const [filters, setFilters] = useState({ siteId: '', arm: '', from: '', to: '' });
  const [page, setPage] = useState(1);
  const zoneOf = (siteId: string) => sites.get(siteId)?.timeZone;
  // Dates are the site's calendar days: from 00:00 of `from` to 00:00 after `to`, in the chosen
  // site's zone (or the first of the user's sites).
  const zone = zoneOf(filters.siteId) ?? zoneOf(user.siteIds[0] ?? '') ?? 'Europe/Oslo';
  const instant = (d: string, plusDay = false) => {
    const t = DateTime.fromISO(d, { zone });
    return (plusDay ? t.plus({ days: 1 }) : t).toUTC().toISO() ?? undefined;
  };
  const query = useQuery({
    queryKey: ['allocations', filters, page],
    queryFn: () =>
      call(
        api.GET('/allocations', {
          params: {
            query: {
              page,
              pageSize: PAGE_SIZE,
              ...(filters.siteId ? { siteId: filters.siteId } : {}),
              ...(filters.arm ? { arm: filters.arm } : {}),
              ...(filters.from ? { from: instant(filters.from) } : {}),
              ...(filters.to ? { to: instant(filters.to, true) } : {}),
            },
          },
        }),
      ),
    placeholderData: (prev) => prev,
  });
  const set = (k: keyof typeof filters) => (e: { target: { value: string } }) => {
    setPage(1);
    setFilters((f) => ({ ...f, [k]: e.target.value }));
  };
  const visibleSites = user.trialWide
    ? [...sites.values()]
    : user.siteIds.map((id) => sites.get(id)).filter((s) => !!s);
  const columns = [
    col.accessor('studyId', {
      header: 'Participant',
      cell: (c) => <Link to={`/participants/${c.row.original.participantId}`}>{c.getValue()}</Link>,
    }),
    col.accessor('siteLabel', { header: 'Site' }),
    col.accessor('armLabel', {
      header: 'Arm',
      cell: (c) => `${c.row.original.arm}: ${c.getValue()}`,
    }),
    col.accessor('randomisedAt', {
      header: 'Randomised',
      cell: (c) => formatInstant(c.getValue(), zoneOf(c.row.original.siteId)),
    }),
    // The number within the stratum is for statisticians and monitors only (the API leaves it out for others).
    col.accessor(
      (a) =>
        a.sequenceNumber === undefined ? a.stratumKey : `${a.stratumKey} #${a.sequenceNumber}`,
      { id: 'seq', header: 'Stratum' },
    ),
    col.accessor('armBDrug', {
      header: 'Arm-B drug',
      cell: (c) => {
        const a = c.row.original;
        if (a.arm !== 'B') return '—';
        if (a.armBDrug)
          return `${DRUG_LABELS[a.armBDrug] ?? a.armBDrug} from ${formatDate(a.armBStartDate)}`;
        return hasRole('investigator') ? (
          <Link to={`/participants/${a.participantId}`}>
            <Tag tone="warn">to choose</Tag>
          </Link>
        ) : (
          <Tag tone="warn">not chosen yet</Tag>
        );
      },
    }),
  ];
  return (
    <>
      <h1>Allocations</h1>
      <form className="row" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        {visibleSites.length > 1 && (
          <Field label="Site">
            {(c) => (
              <select {...c} value={filters.siteId} onChange={set('siteId')}>
                <option value="">All</option>
                {visibleSites.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Arm">
          {(c) => (
            <select {...c} value={filters.arm} onChange={set('arm')}>
              <option value="">Both</option>
              <option value="A">A: aHSCT</option>
              <option value="B">B: best available drug</option>
            </select>
          )}
        </Field>
        <Field label="Randomised from">
          {(c) => <input {...c} type="date" value={filters.from} onChange={set('from')} />}
        </Field>
        <Field label="Randomised to">
          {(c) => <input {...c} type="date" value={filters.to} onChange={set('to')} />}
        </Field>
      </form>
      <QueryView query={query} what="allocations">
        {(p) => (
          <>
            <DataTable
              data={p.items}
              columns={columns}
              caption={`${p.total} allocation${p.total === 1 ? '' : 's'}`}
              empty="No allocations match."
            />
            <Pager page={p.page} pageSize={p.pageSize} total={p.total} onPage={setPage} />
          </>
        )}
      </QueryView>
    </>
  );
}
