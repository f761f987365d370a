import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { User } from '../../api/client';
import { ErrorBox, Field } from '../../components/ui';

/**
 * An admin resets another account's password: a temporary password, shown here once with a copy
 * button; the account's sessions end and it must choose its own at its next sign-in.
 */
export function UserPasswordReset({ user }: { user: User }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [copied, setCopied] = useState(false);
  const reset = useMutation({
    mutationFn: () =>
      call(
        api.POST('/users/{id}/password-reset', {
          params: { path: { id: user.id } },
          body: reason.trim() ? { reason: reason.trim() } : {},
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['users'] }),
  });
  const temporary = reset.data?.temporaryPassword;
  return (
    <section className="panel" aria-labelledby="pw-reset-h">
      <h3 id="pw-reset-h" style={{ marginTop: 0 }}>
        {t('password.adminReset')}
      </h3>
      {temporary ? (
        <div className="alert ok" role="status">
          <p>{t('password.adminResetShown', { name: user.displayName })}</p>
          <p className="row">
            <code className="temporary-password" data-testid="temporary-password">
              {temporary}
            </code>{' '}
            <button
              type="button"
              className="secondary"
              onClick={() =>
                void navigator.clipboard?.writeText(temporary).then(() => setCopied(true))
              }
            >
              {copied ? t('password.copied') : t('password.copy')}
            </button>
          </p>
        </div>
      ) : (
        <>
          <p className="small">{t('password.adminResetIntro', { name: user.displayName })}</p>
          <Field label={t('password.adminResetReason')}>
            {(c) => <input {...c} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <button
            type="button"
            className="danger"
            disabled={reset.isPending}
            onClick={() => reset.mutate()}
            aria-label={t('password.adminResetConfirm', { name: user.displayName })}
          >
            {t('password.adminReset')}
          </button>
        </>
      )}
      <ErrorBox error={reset.error} />
    </section>
  );
}
