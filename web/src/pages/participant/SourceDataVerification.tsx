import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import type { Participant, Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { ConfirmDialog, ErrorBox, Field, QueryView, Tag } from '../../components/ui';
import { formatInstant } from '../../lib/time';

type RecordVerification = Schemas['RecordVerificationDto'];

/** Who reads the panel (the API's readers); blinded assessors never see it. */
export const VERIFICATION_READERS = [
  'monitor',
  'statistician',
  'investigator',
  'coordinator',
  'site_staff',
] as const;

/** The translated kind of a record (`transplant_phase:<phase>` is a transplant phase). */
export function useRecordKind(): (entity: string) => string {
  const { t } = useTranslation();
  return (entity) => t(`verification.kinds.${entity.split(':')[0]}`, { defaultValue: entity });
}

/**
 * Source-data verification of a participant (issue 18): each record at its current version,
 * verified or not; the monitor marks the version checked against the source. Others read.
 */
export function SourceDataVerification({
  participant,
  zone,
}: {
  participant: Participant;
  zone: string;
}) {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  const qc = useQueryClient();
  const kind = useRecordKind();
  const key = ['participant', participant.id, 'verification'];
  const query = useQuery({
    queryKey: key,
    queryFn: () =>
      call(
        api.GET('/participants/{id}/verification', { params: { path: { id: participant.id } } }),
      ),
  });
  const mark = useMutation({
    mutationFn: (r: RecordVerification) =>
      call(
        api.POST('/participants/{id}/verification', {
          params: { path: { id: participant.id } },
          body: { entity: r.entity, entityId: r.entityId, version: r.version },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  const [undoing, setUndoing] = useState<RecordVerification | null>(null);
  if (!hasRole(...VERIFICATION_READERS)) return null;
  const monitor = hasRole('monitor');
  return (
    <section aria-labelledby="sdv-h">
      <h2 id="sdv-h">{t('verification.sdvTitle')}</h2>
      <p className="small muted">{t('verification.sdvIntro')}</p>
      <ErrorBox error={mark.error} title={t('verification.notMarked')} />
      <QueryView query={query} what={t('verification.sdvTitle')}>
        {(v) =>
          v.items.length === 0 ? (
            <p className="muted">{t('verification.noRecords')}</p>
          ) : (
            <>
              <p>
                <strong>
                  {t('verification.progress', {
                    verified: v.verified,
                    records: v.records,
                    percent: v.percent,
                  })}
                </strong>
              </p>
              <div className="table-wrap">
                <table>
                  <caption>{t('verification.records')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('verification.kind')}</th>
                      <th scope="col">{t('verification.detail')}</th>
                      <th scope="col">{t('verification.version')}</th>
                      <th scope="col">{t('verification.changed')}</th>
                      <th scope="col">{t('verification.status')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {v.items.map((r) => (
                      <tr
                        key={`${r.entity}:${r.entityId}`}
                        data-record={`${r.entity}:${r.entityId}`}
                      >
                        <td>{kind(r.entity)}</td>
                        <td>{r.detail ?? '—'}</td>
                        <td>{r.version}</td>
                        <td>
                          {formatInstant(r.changedAt, zone)}
                          {r.changedBy ? `, ${r.changedBy}` : ''}
                        </td>
                        <td>
                          {r.verified ? (
                            <>
                              <Tag tone="ok">{t('verification.verified')}</Tag>{' '}
                              <span className="small">
                                {t('verification.verifiedBy', {
                                  name: r.verifiedBy ?? '—',
                                  at: formatInstant(r.verifiedAt, zone),
                                })}
                              </span>
                              {monitor && (
                                <div>
                                  <button
                                    type="button"
                                    className="secondary"
                                    onClick={() => setUndoing(r)}
                                  >
                                    {t('verification.undo')}
                                  </button>
                                </div>
                              )}
                            </>
                          ) : (
                            <>
                              <Tag tone={r.cleared ? 'warn' : undefined}>
                                {t('verification.notVerified')}
                              </Tag>
                              {r.cleared && (
                                <div className="small">
                                  {r.cleared.byVersion === null
                                    ? t('verification.undoneBy', {
                                        name: r.cleared.byName ?? '—',
                                        at: formatInstant(r.cleared.at, zone),
                                        reason: r.cleared.undoReason ?? '—',
                                      })
                                    : t('verification.clearedBy', {
                                        version: r.cleared.byVersion,
                                        fields: r.cleared.fields.join(', ') || '—',
                                        name: r.cleared.byName ?? '—',
                                        at: formatInstant(r.cleared.at, zone),
                                      })}
                                </div>
                              )}
                              {monitor && (
                                <div>
                                  <button
                                    type="button"
                                    className="secondary"
                                    disabled={mark.isPending}
                                    onClick={() => mark.mutate(r)}
                                    aria-label={`${t('verification.markVerified')}: ${kind(r.entity)} ${r.detail ?? ''} v${r.version}`}
                                  >
                                    {t('verification.markVerified')}
                                  </button>
                                </div>
                              )}
                            </>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )
        }
      </QueryView>
      {undoing && (
        <UndoDialog
          participantId={participant.id}
          record={undoing}
          onDone={() => {
            setUndoing(null);
            void qc.invalidateQueries({ queryKey: key });
          }}
        />
      )}
    </section>
  );
}

function UndoDialog({
  participantId,
  record,
  onDone,
}: {
  participantId: string;
  record: RecordVerification;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const undo = useMutation({
    mutationFn: () =>
      call(
        api.POST('/participants/{id}/verification/undo', {
          params: { path: { id: participantId } },
          body: { entity: record.entity, entityId: record.entityId, reason },
        }),
      ),
    onSuccess: onDone,
  });
  return (
    <ConfirmDialog
      open
      title={t('verification.undoTitle')}
      confirmLabel={t('verification.undo')}
      onConfirm={() => undo.mutate()}
      onCancel={onDone}
      busy={undo.isPending}
    >
      <Field label={t('verification.undoReason')}>
        {(c) => <input {...c} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <ErrorBox error={undo.error} title={t('verification.notUndone')} />
    </ConfirmDialog>
  );
}
