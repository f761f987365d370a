import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import { useSession, useUser } from '../auth/session';
import { DataTable, ErrorBox, Field, QueryView, Tag } from '../components/ui';
import { useZone } from '../lib/reference';
import { formatInstant } from '../lib/time';

/**
 * Data cuts and the final lock (issue 18): the statistician declares a cut, a monitor confirms it
 * and unfreezes single records with a reason; a statistician and an admin lock and unlock the
 * trial together (one asks, the other approves).
 */
export function DataLocks() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const user = useUser();
  const zone = useZone(user.siteIds[0]);
  const { hasRole } = useSession();
  const [name, setName] = useState('');
  const [cutoffDate, setCutoffDate] = useState('');
  const [entity, setEntity] = useState('visit_log');
  const [entityId, setEntityId] = useState('');
  const [unfreezeReason, setUnfreezeReason] = useState('');
  const [lockReason, setLockReason] = useState('');
  const cuts = useQuery({ queryKey: ['data-cuts'], queryFn: () => call(api.GET('/data-cuts')) });
  const unfreezes = useQuery({
    queryKey: ['data-cuts', 'unfreezes'],
    queryFn: () => call(api.GET('/data-cuts/unfreezes')),
  });
  const lock = useQuery({ queryKey: ['trial-lock'], queryFn: () => call(api.GET('/trial-lock')) });
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['data-cuts'] }),
      qc.invalidateQueries({ queryKey: ['trial-lock'] }),
    ]);
  const declare = useMutation({
    mutationFn: () => call(api.POST('/data-cuts', { body: { name, cutoffDate } })),
    onSuccess: refresh,
  });
  const confirm = useMutation({
    mutationFn: (id: string) =>
      call(api.POST('/data-cuts/{id}/confirm', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const unfreeze = useMutation({
    mutationFn: () =>
      call(
        api.POST('/data-cuts/unfreezes', {
          body: { entity, entityId, reason: unfreezeReason },
        }),
      ),
    onSuccess: refresh,
  });
  const ask = useMutation({
    mutationFn: (action: 'lock' | 'unlock') =>
      call(api.POST('/trial-lock/requests', { body: { action, reason: lockReason } })),
    onSuccess: refresh,
  });
  const approve = useMutation({
    mutationFn: (id: string) =>
      call(api.POST('/trial-lock/requests/{id}/approve', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const lockRoles = hasRole('statistician', 'admin');
  return (
    <>
      <h1>{t('dataLocks.title')}</h1>
      <p className="muted">{t('dataLocks.intro')}</p>

      <h2>{t('dataLocks.cuts')}</h2>
      <ErrorBox error={confirm.error} />
      <QueryView query={cuts} what={t('dataLocks.cuts')}>
        {(list) => (
          <DataTable
            data={list}
            empty={t('dataLocks.noCuts')}
            columns={[
              { id: 'name', header: t('dataLocks.name'), cell: ({ row }) => row.original.name },
              {
                id: 'date',
                header: t('dataLocks.cutoffDate'),
                cell: ({ row }) => row.original.cutoffDate,
              },
              {
                id: 'at',
                header: t('dataLocks.cutoffAt'),
                cell: ({ row }) => formatInstant(row.original.cutoffAt, zone),
              },
              {
                id: 'status',
                header: t('dataLocks.status'),
                cell: ({ row }) => (
                  <Tag tone={row.original.status === 'confirmed' ? 'ok' : 'warn'}>
                    {t(`dataLocks.${row.original.status}`)}
                  </Tag>
                ),
              },
              {
                id: 'by',
                header: t('dataLocks.declaredBy'),
                cell: ({ row }) => row.original.declaredBy ?? '—',
              },
              {
                id: 'confirmedBy',
                header: t('dataLocks.confirmedBy'),
                cell: ({ row }) =>
                  row.original.status === 'confirmed' ? (
                    (row.original.confirmedBy ?? '—')
                  ) : hasRole('monitor') ? (
                    <button
                      type="button"
                      className="secondary"
                      disabled={confirm.isPending}
                      onClick={() => confirm.mutate(row.original.id)}
                    >
                      {t('dataLocks.confirm')}
                    </button>
                  ) : (
                    '—'
                  ),
              },
              {
                id: 'hash',
                header: t('dataLocks.exportHash'),
                cell: ({ row }) =>
                  row.original.exportFiles
                    ? row.original.exportFiles.map((f) => (
                        <div key={f.name} className="small">
                          {f.name}: <code>{f.sha256.slice(0, 16)}…</code>
                        </div>
                      ))
                    : '—',
              },
            ]}
          />
        )}
      </QueryView>

      {hasRole('statistician') && (
        <form
          className="panel"
          onSubmit={(e) => {
            e.preventDefault();
            declare.mutate();
          }}
        >
          <Field label={t('dataLocks.name')}>
            {(c) => <input {...c} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label={t('dataLocks.cutoffDate')}>
            {(c) => (
              <input
                {...c}
                type="date"
                value={cutoffDate}
                onChange={(e) => setCutoffDate(e.target.value)}
              />
            )}
          </Field>
          <ErrorBox error={declare.error} />
          <button type="submit" disabled={declare.isPending}>
            {t('dataLocks.declare')}
          </button>
        </form>
      )}

      <h2>{t('dataLocks.unfreezes')}</h2>
      <QueryView query={unfreezes} what={t('dataLocks.unfreezes')}>
        {(list) => (
          <DataTable
            data={list}
            empty={t('dataLocks.noUnfreezes')}
            columns={[
              {
                id: 'entity',
                header: t('dataLocks.entity'),
                cell: ({ row }) => row.original.entity,
              },
              {
                id: 'id',
                header: t('dataLocks.entityId'),
                cell: ({ row }) => <code>{row.original.entityId}</code>,
              },
              {
                id: 'reason',
                header: t('dataLocks.reason'),
                cell: ({ row }) => row.original.reason,
              },
              {
                id: 'by',
                header: t('dataLocks.unfrozenBy'),
                cell: ({ row }) =>
                  `${row.original.unfrozenBy ?? '—'}, ${formatInstant(row.original.unfrozenAt, zone)}`,
              },
              {
                id: 'used',
                header: t('dataLocks.usedAt'),
                cell: ({ row }) =>
                  row.original.usedAt ? (
                    formatInstant(row.original.usedAt, zone)
                  ) : (
                    <Tag tone="warn">{t('dataLocks.open')}</Tag>
                  ),
              },
            ]}
          />
        )}
      </QueryView>
      {hasRole('monitor') && (
        <form
          className="panel"
          onSubmit={(e) => {
            e.preventDefault();
            unfreeze.mutate();
          }}
        >
          <h3>{t('dataLocks.unfreeze')}</h3>
          <Field label={t('dataLocks.entity')}>
            {(c) => <input {...c} value={entity} onChange={(e) => setEntity(e.target.value)} />}
          </Field>
          <Field label={t('dataLocks.entityId')}>
            {(c) => <input {...c} value={entityId} onChange={(e) => setEntityId(e.target.value)} />}
          </Field>
          <Field label={t('dataLocks.reason')}>
            {(c) => (
              <textarea
                {...c}
                value={unfreezeReason}
                onChange={(e) => setUnfreezeReason(e.target.value)}
              />
            )}
          </Field>
          <ErrorBox error={unfreeze.error} />
          <button type="submit" disabled={unfreeze.isPending}>
            {t('dataLocks.unfreeze')}
          </button>
        </form>
      )}

      <h2>{t('dataLocks.lock')}</h2>
      <QueryView query={lock} what={t('dataLocks.lock')}>
        {(state) => (
          <>
            <p>
              {state.lock ? (
                <Tag tone="bad">
                  {t('dataLocks.locked', {
                    at: formatInstant(state.lock.lockedAt, zone),
                    reason: state.lock.reason,
                  })}
                </Tag>
              ) : (
                t('dataLocks.unlocked')
              )}
            </p>
            <p className="muted small">{t('dataLocks.twoPeople')}</p>
            <h3>{t('dataLocks.requests')}</h3>
            <ErrorBox error={approve.error} />
            <DataTable
              data={state.requests}
              empty={t('dataLocks.noRequests')}
              columns={[
                {
                  id: 'action',
                  header: t('dataLocks.action'),
                  cell: ({ row }) => row.original.action,
                },
                {
                  id: 'reason',
                  header: t('dataLocks.reason'),
                  cell: ({ row }) => row.original.reason,
                },
                {
                  id: 'by',
                  header: t('dataLocks.requestedBy'),
                  cell: ({ row }) =>
                    `${row.original.requestedBy ?? '—'} (${row.original.requestedRole})`,
                },
                {
                  id: 'status',
                  header: t('dataLocks.status'),
                  cell: ({ row }) => row.original.status,
                },
                {
                  id: 'approve',
                  header: t('dataLocks.approvedBy'),
                  cell: ({ row }) =>
                    row.original.status === 'pending' && lockRoles ? (
                      <button
                        type="button"
                        className="secondary"
                        disabled={approve.isPending}
                        onClick={() => approve.mutate(row.original.id)}
                      >
                        {t('dataLocks.approve')}
                      </button>
                    ) : (
                      (row.original.approvedBy ?? '—')
                    ),
                },
              ]}
            />
            {lockRoles && (
              <form className="panel" onSubmit={(e) => e.preventDefault()}>
                <Field label={t('dataLocks.reason')}>
                  {(c) => (
                    <textarea
                      {...c}
                      value={lockReason}
                      onChange={(e) => setLockReason(e.target.value)}
                    />
                  )}
                </Field>
                <ErrorBox error={ask.error} />
                <button
                  type="button"
                  disabled={ask.isPending}
                  onClick={() => ask.mutate(state.lock ? 'unlock' : 'lock')}
                >
                  {state.lock ? t('dataLocks.requestUnlock') : t('dataLocks.requestLock')}
                </button>
              </form>
            )}
          </>
        )}
      </QueryView>
    </>
  );
}
