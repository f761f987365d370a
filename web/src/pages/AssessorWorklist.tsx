import { useQuery } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import type { components } from '../api/schema';
import { OpenQueries } from '../components/DataQueries';
import { DataTable, Field, Pager, QueryView, Tag } from '../components/ui';
import { formatDate } from '../lib/time';

type Item = components['schemas']['AssessorWorkItemDto'];
const col = createColumnHelper<Item>();

/**
 * The blinded assessor's worklist: every visit of their sites that needs the blinded EDSS or an
 * MRI read still missing, logged by the site or not; each opens the visit's assessment form.
 */
export function AssessorWorklist() {
  const { t } = useTranslation();
  const [missing, setMissing] = useState<'' | 'edss' | 'mri'>('');
  const [status, setStatus] = useState<'' | 'scheduled' | 'logged'>('');
  const [page, setPage] = useState(1);
  const query = useQuery({
    queryKey: ['assessor-worklist', missing, status, page],
    queryFn: () =>
      call(
        api.GET('/follow-up/assessor-worklist', {
          params: {
            query: {
              page,
              pageSize: 50,
              ...(missing ? { missing } : {}),
              ...(status ? { status } : {}),
            },
          },
        }),
      ),
  });
  const read = (k: 'edss' | 'mri') => t(`assessorWorklist.read.${k}`);
  const columns = [
    col.accessor('studyId', { header: t('assessorWorklist.studyId') }),
    col.accessor('code', {
      header: t('assessorWorklist.visit'),
      cell: (c) => (
        <Link to={`/visits/${c.row.original.visitId}`}>
          {c.getValue()} · {c.row.original.label}
        </Link>
      ),
    }),
    col.accessor('windowEnd', {
      header: t('assessorWorklist.window'),
      cell: (c) =>
        `${formatDate(c.row.original.windowStart)} – ${formatDate(c.row.original.windowEnd)}`,
    }),
    col.accessor('status', {
      header: t('assessorWorklist.siteLog'),
      cell: (c) =>
        c.getValue() === 'logged' ? (
          <Tag tone="ok">
            {t('assessorWorklist.logged', { date: formatDate(c.row.original.loggedDate) })}
          </Tag>
        ) : (
          <Tag>{t('assessorWorklist.notLogged')}</Tag>
        ),
    }),
    col.accessor('missing', {
      header: t('assessorWorklist.missing'),
      enableSorting: false,
      cell: (c) => (
        <span className="row">
          {c.getValue().map((k) => (
            <Tag key={k} tone="warn">
              {read(k)}
            </Tag>
          ))}
        </span>
      ),
    }),
  ];
  return (
    <>
      <h1>{t('assessorWorklist.title')}</h1>
      <p className="muted">{t('assessorWorklist.intro')}</p>
      <form className="row" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('assessorWorklist.missing')}>
          {(c) => (
            <select
              {...c}
              value={missing}
              onChange={(e) => {
                setMissing(e.target.value as typeof missing);
                setPage(1);
              }}
            >
              <option value="">{t('assessorWorklist.any')}</option>
              <option value="edss">{read('edss')}</option>
              <option value="mri">{read('mri')}</option>
            </select>
          )}
        </Field>
        <Field label={t('assessorWorklist.siteLog')}>
          {(c) => (
            <select
              {...c}
              value={status}
              onChange={(e) => {
                setStatus(e.target.value as typeof status);
                setPage(1);
              }}
            >
              <option value="">{t('assessorWorklist.any')}</option>
              <option value="logged">{t('assessorWorklist.loggedOnly')}</option>
              <option value="scheduled">{t('assessorWorklist.notLogged')}</option>
            </select>
          )}
        </Field>
      </form>
      <QueryView query={query} what={t('assessorWorklist.title')}>
        {(p) => (
          <>
            <DataTable
              data={p.items}
              columns={columns}
              caption={t('assessorWorklist.count', { count: p.total })}
              empty={t('assessorWorklist.empty')}
            />
            <Pager page={p.page} pageSize={p.pageSize} total={p.total} onPage={setPage} />
          </>
        )}
      </QueryView>
      <OpenQueries />
    </>
  );
}
