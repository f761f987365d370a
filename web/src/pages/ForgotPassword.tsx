import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { api, ApiError, call } from '../api/client';
import { Field } from '../components/ui';

type Form = { email: string };

/** "Forgot your password?": asks for a link by e-mail; the answer never says whether the account exists. */
export function ForgotPassword() {
  const { t } = useTranslation();
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { register, handleSubmit, formState } = useForm<Form>({ defaultValues: { email: '' } });
  const onSubmit = handleSubmit(async (v) => {
    setError(null);
    try {
      await call(api.POST('/auth/password/forgot', { body: { email: v.email.trim() } }));
      setSent(true);
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 429
          ? t('password.tooMany')
          : e instanceof ApiError && e.status === 400
            ? t('password.emailInvalid')
            : t('password.unreachable'),
      );
    }
  });
  return (
    <main className="signin">
      <h1>{t('password.forgotTitle')}</h1>
      {sent ? (
        <>
          <div className="alert ok" role="status">
            <strong>{t('password.checkMail')}</strong> {t('password.checkMailText')}
          </div>
          <p>
            <Link to="/signin">{t('password.backToSignIn')}</Link>
          </p>
        </>
      ) : (
        <>
          <p>{t('password.forgotIntro')}</p>
          {error && (
            <div className="alert error" role="alert">
              {error}
            </div>
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
            <button type="submit" disabled={formState.isSubmitting}>
              {formState.isSubmitting ? t('common.working') : t('password.forgotSubmit')}
            </button>
          </form>
          <p>
            <Link to="/signin">{t('password.backToSignIn')}</Link>
          </p>
        </>
      )}
    </main>
  );
}
