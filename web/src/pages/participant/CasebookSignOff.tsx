import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api/client';
import type { Participant, Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { ConfirmDialog, ErrorBox, Field, QueryView, Tag } from '../../components/ui';
import { formatInstant } from '../../lib/time';
import { useRecordKind, VERIFICATION_READERS } from './SourceDataVerification';

type Signature = Schemas['CasebookSignatureDto'];
type SignForm = { password: string; meaning: string };

/**
 * Casebook sign-off (issue 18): at the end of follow-up the investigator signs the casebook
 * (printed name, time and meaning shown as its manifest); a later change of any record voids it.
 */
export function CasebookSignOff({ participant, zone }: { participant: Participant; zone: string }) {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  const [signing, setSigning] = useState(false);
  const query = useQuery({
    queryKey: ['participant', participant.id, 'casebook'],
    queryFn: () =>
      call(
        api.GET('/participants/{id}/casebook-signature', {
          params: { path: { id: participant.id } },
        }),
      ),
  });
  if (!hasRole(...VERIFICATION_READERS)) return null;
  return (
    <section aria-labelledby="casebook-h">
      <h2 id="casebook-h">{t('verification.casebookTitle')}</h2>
      <p className="small muted">{t('verification.casebookIntro')}</p>
      <QueryView query={query} what={t('verification.casebookTitle')}>
        {(c) => (
          <>
            <p>
              <Tag tone={c.state === 'signed' ? 'ok' : c.state === 'voided' ? 'warn' : undefined}>
                {t(`verification.${c.state}`)}
              </Tag>
            </p>
            {c.signatures[0] && <SignatureLine s={c.signatures[0]} zone={zone} />}
            {!c.followUpEnded && <p className="muted">{t('verification.notEnded')}</p>}
            {c.followUpEnded && c.state !== 'signed' && hasRole('investigator') && (
              <p>
                <button type="button" onClick={() => setSigning(true)}>
                  {c.state === 'voided' ? t('verification.signAgain') : t('verification.sign')}
                </button>
              </p>
            )}
            {c.signatures.length > 1 && (
              <details>
                <summary>{t('verification.history')}</summary>
                {c.signatures.slice(1).map((s) => (
                  <SignatureLine key={s.id} s={s} zone={zone} />
                ))}
              </details>
            )}
            {signing && (
              <SignCasebookDialog
                participantId={participant.id}
                defaultMeaning={c.defaultMeaning}
                onDone={() => setSigning(false)}
              />
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}

function SignatureLine({ s, zone }: { s: Signature; zone: string }) {
  const { t } = useTranslation();
  const kind = useRecordKind();
  return (
    <div className="signature-manifest" data-state={s.state}>
      <p>
        {s.state === 'voided' && <Tag tone="warn">{t('verification.voided')}</Tag>}{' '}
        {t('verification.manifest', {
          name: s.printedName,
          role: s.signerRole,
          at: formatInstant(s.signedAt, zone),
          meaning: s.meaning,
        })}
      </p>
      {s.voided && (
        <p className="small">
          {t('verification.voidedBy', {
            at: formatInstant(s.voided.at, zone),
            kind: kind(s.voided.entity),
            version: s.voided.version,
            fields: s.voided.fields.join(', ') || '—',
            name: s.voided.byName ?? '—',
          })}
        </p>
      )}
    </div>
  );
}

function SignCasebookDialog({
  participantId,
  defaultMeaning,
  onDone,
}: {
  participantId: string;
  defaultMeaning: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { register, handleSubmit, formState, setError } = useForm<SignForm>({
    defaultValues: { password: '', meaning: defaultMeaning },
  });
  const sign = useMutation({
    mutationFn: (v: SignForm) =>
      call(
        api.POST('/participants/{id}/casebook-signature', {
          params: { path: { id: participantId } },
          body: { password: v.password, meaning: v.meaning },
        }),
      ),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['participant', participantId, 'casebook'] });
      onDone();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'SIGNATURE_PASSWORD_INVALID')
        setError('password', { message: t('verification.wrongPassword') });
    },
  });
  const submit = handleSubmit((v) => sign.mutate(v));
  return (
    <ConfirmDialog
      open
      title={t('verification.signTitle')}
      confirmLabel={t('verification.signWithPassword')}
      onConfirm={() => void submit()}
      onCancel={onDone}
      busy={sign.isPending}
    >
      <p>{t('verification.signExplain')}</p>
      <form onSubmit={submit} noValidate>
        <Field label={t('verification.meaning')} error={formState.errors.meaning?.message}>
          {(c) => (
            <input {...c} {...register('meaning', { required: t('verification.meaning') })} />
          )}
        </Field>
        <Field label={t('verification.password')} error={formState.errors.password?.message}>
          {(c) => (
            <input
              {...c}
              type="password"
              autoComplete="current-password"
              {...register('password', { required: t('verification.password') })}
            />
          )}
        </Field>
      </form>
      {sign.isError &&
        !(sign.error instanceof ApiError && sign.error.code === 'SIGNATURE_PASSWORD_INVALID') && (
          <ErrorBox error={sign.error} title={t('verification.notSigned')} />
        )}
    </ConfirmDialog>
  );
}
