import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, Navigate, useLocation } from 'react-router';
import { ApiError } from '../api/client';
import { useSession } from '../auth/session';
import { startSsoSignIn, useSsoEnabled } from '../auth/sso';
import { Field } from '../components/ui';

type Form = { email: string; password: string };

function messageFor(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401)
      return 'The e-mail address or password is not right, or the account is deactivated. Check both and try again.';
    if (error.status === 429) return 'Too many attempts. Wait a minute, then try again.';
    if (error.status === 400) return 'Enter a valid e-mail address and your password.';
    if (error.status >= 500) return 'The system is unavailable right now. Try again in a moment.';
    return error.message;
  }
  return 'The system could not be reached. Check your connection and try again.';
}

export function SignIn() {
  const { t } = useTranslation();
  const { session, signIn, notice } = useSession();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const sso = useSsoEnabled();
  const { register, handleSubmit, formState } = useForm<Form>({
    defaultValues: { email: '', password: '' },
  });
  if (session) {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/signin' ? from : '/'} replace />;
  }
  const onSubmit = handleSubmit(async (v) => {
    setError(null);
    try {
      await signIn(v.email.trim(), v.password);
    } catch (e) {
      setError(messageFor(e));
    }
  });
  return (
    <main className="signin">
      <h1>{t('signIn.title')}</h1>
      {notice === 'expired' && (
        <div className="alert warn" role="status">
          {t('signIn.expired')}
        </div>
      )}
      {notice === 'signed_out' && (
        <div className="alert ok" role="status">
          {t('signIn.signedOut')}
        </div>
      )}
      {error && (
        <div className="alert error" role="alert">
          {error}
        </div>
      )}
      {sso && (
        <>
          <p>
            <button
              type="button"
              onClick={() => startSsoSignIn().catch((e: unknown) => setError(messageFor(e)))}
            >
              {t('sso.signIn')}
            </button>
          </p>
          <p className="muted">{t('sso.or')}</p>
        </>
      )}
      <form onSubmit={onSubmit} noValidate>
        <Field label={t('signIn.email')} error={formState.errors.email?.message}>
          {(c) => (
            <input
              {...c}
              type="email"
              autoComplete="username"
              {...register('email', { required: t('signIn.emailRequired') })}
            />
          )}
        </Field>
        <Field label={t('signIn.password')} error={formState.errors.password?.message}>
          {(c) => (
            <input
              {...c}
              type="password"
              autoComplete="current-password"
              {...register('password', { required: t('signIn.passwordRequired') })}
            />
          )}
        </Field>
        <button type="submit" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
      <p className="small muted" style={{ marginTop: '2rem' }}>
        {t('signIn.interested')} <Link to="/prescreening">{t('signIn.prescreening')}</Link>.
      </p>
    </main>
  );
}
