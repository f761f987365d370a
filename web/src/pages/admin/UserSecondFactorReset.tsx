import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import type { User } from '../../api/client';
import { ErrorBox, Field } from '../../components/ui';

/**
 * An admin removes another account's second factor (a lost phone and lost recovery codes), with a
 * reason: the user signs in with the password alone, or sets it up again where the role requires it.
 */
export function UserSecondFactorReset({ user }: { user: User }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const reset = useMutation({
    mutationFn: () =>
      call(
        api.DELETE('/users/{id}/second-factor', {
          params: { path: { id: user.id } },
          body: { reason: reason.trim() },
        }),
      ),
  });
  return (
    <section className="panel" aria-labelledby="sf-reset-h">
      <h3 id="sf-reset-h" style={{ marginTop: 0 }}>
        {t('security.adminReset')}
      </h3>
      {reset.isSuccess ? (
        <div className="alert ok" role="status">
          {t('security.adminResetDone', { name: user.displayName })}
        </div>
      ) : (
        <>
          <p className="small">{t('security.adminResetIntro', { name: user.displayName })}</p>
          <Field label={t('security.adminResetReason')}>
            {(c) => <input {...c} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <button
            type="button"
            className="danger"
            disabled={reset.isPending || reason.trim() === ''}
            onClick={() => reset.mutate()}
            aria-label={t('security.adminResetConfirm', { name: user.displayName })}
          >
            {t('security.adminReset')}
          </button>
        </>
      )}
      <ErrorBox error={reset.error} />
    </section>
  );
}
