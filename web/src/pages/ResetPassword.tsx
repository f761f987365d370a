import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { api, ApiError, call } from '../api/client';
import { Field } from '../components/ui';
import { applyServerErrors } from '../lib/forms';

type Form = { newPassword: string; repeat: string };

/**
 * The token of an e-mailed link, read from the address's fragment (`#token=…`: a fragment is never
 * sent to a server, so it is in no log), then removed from the address bar and the history.
 */
function takeToken(): string | null {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (token) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return token;
}

/** Choosing a new password with the link of a "forgot your password" e-mail. */
export function ResetPassword() {
  const { t } = useTranslation();
  const [token] = useState(takeToken);
  const [done, setDone] = useState(false);
  const [invalid, setInvalid] = useState(false);
  const [left, setLeft] = useState<string[]>([]);
  const { register, handleSubmit, formState, setError, getValues } = useForm<Form>({
    defaultValues: { newPassword: '', repeat: '' },
  });
  const onSubmit = handleSubmit(async (v) => {
    setLeft([]);
    try {
      await call(
        api.POST('/auth/password/reset', {
          body: { token: token ?? '', newPassword: v.newPassword },
        }),
      );
      setDone(true);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'RESET_TOKEN_INVALID') setInvalid(true);
      else if (e instanceof ApiError && e.status === 429) setLeft([t('password.tooMany')]);
      else setLeft(applyServerErrors<Form>(e, setError, ['newPassword']));
    }
  });
  const body = done ? (
    <>
      <div className="alert ok" role="status">
        {t('password.resetDone')}
      </div>
      <p>
        <Link to="/signin">{t('password.signInNow')}</Link>
      </p>
    </>
  ) : !token || invalid ? (
    <>
      <div className="alert error" role="alert">
        {t('password.linkInvalid')}
      </div>
      <p>
        <Link to="/forgot-password">{t('password.askNewLink')}</Link>
      </p>
    </>
  ) : (
    <>
      {left.length > 0 && (
        <div className="alert error" role="alert">
          {left.join(' ')}
        </div>
      )}
      <form onSubmit={onSubmit} noValidate>
        <Field
          label={t('password.new')}
          hint={t('password.rules')}
          error={formState.errors.newPassword?.message}
        >
          {(c) => (
            <input
              {...c}
              type="password"
              autoComplete="new-password"
              {...register('newPassword', {
                required: t('password.newRequired'),
                minLength: { value: 12, message: t('password.tooShort') },
                maxLength: { value: 128, message: t('password.tooLong') },
              })}
            />
          )}
        </Field>
        <Field label={t('password.repeat')} error={formState.errors.repeat?.message}>
          {(c) => (
            <input
              {...c}
              type="password"
              autoComplete="new-password"
              {...register('repeat', {
                validate: (value) => value === getValues('newPassword') || t('password.mismatch'),
              })}
            />
          )}
        </Field>
        <button type="submit" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? t('common.working') : t('password.resetSubmit')}
        </button>
      </form>
    </>
  );
  return (
    <main className="signin">
      <h1>{t('password.resetTitle')}</h1>
      {body}
    </main>
  );
}
