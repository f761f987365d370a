import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import { useSession, useUser } from '../auth/session';
import { QueryAgeingReport, queryColumns } from '../components/DataQueries';
import { DataTable, ErrorBox, Field, Loading, Pager } from '../components/ui';
import { useSiteMap } from '../lib/reference';

const STATUSES = ['open', 'answered', 'closed'] as const;

/** Every query the person may see, by status and site, the longest waiting first. */
export function QueriesPage() {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  const user = useUser();
  const sites = useSiteMap();
  const mySites = user.trialWide
    ? [...sites.values()]
    : user.siteIds.map((id) => sites.get(id)).filter((s) => !!s);
  const [status, setStatus] = useState<'' | (typeof STATUSES)[number]>(
    hasRole('monitor', 'statistician') ? 'answered' : 'open',
  );
  const [siteId, setSiteId] = useState('');
  const [page, setPage] = useState(1);
  const query = useQuery({
    queryKey: ['queries', 'list', status, siteId, page],
    queryFn: () =>
      call(
        api.GET('/queries', {
          params: {
            query: {
              page,
              pageSize: 50,
              ...(status ? { status } : {}),
              ...(siteId ? { siteId } : {}),
            },
          },
        }),
      ),
  });
  return (
    <>
      <h1>{t('queries.page.title')}</h1>
      <p className="muted">{t('queries.page.intro')}</p>
      {hasRole('monitor', 'statistician', 'coordinator', 'investigator') && <QueryAgeingReport />}
      <h2>{t('queries.page.list')}</h2>
      <div className="row">
        <Field label={t('queries.col.status')}>
          {(c) => (
            <select
              {...c}
              value={status}
              onChange={(e) => (setStatus(e.target.value as typeof status), setPage(1))}
            >
              <option value="">{t('queries.page.allStatuses')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`queries.status.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {mySites.length > 1 && (
          <Field label={t('queries.ageing.site')}>
            {(c) => (
              <select
                {...c}
                value={siteId}
                onChange={(e) => (setSiteId(e.target.value), setPage(1))}
              >
                <option value="">{t('queries.page.allSites')}</option>
                {mySites.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
      </div>
      {query.isPending && <Loading />}
      <ErrorBox error={query.error} title={t('queries.loadFailed')} />
      {query.data && (
        <>
          <DataTable
            data={query.data.items}
            columns={queryColumns(t, true)}
            empty={t('queries.page.none')}
          />
          {query.data.total > query.data.pageSize && (
            <Pager
              page={page}
              pageSize={query.data.pageSize}
              total={query.data.total}
              onPage={setPage}
            />
          )}
        </>
      )}
    </>
  );
}
