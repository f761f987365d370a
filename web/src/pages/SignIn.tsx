import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, Navigate, useLocation } from 'react-router';
import { ApiError } from '../api/client';
import { useSession } from '../auth/session';
import { startSsoSignIn, useSsoEnabled } from '../auth/sso';
import { Field, Loading } from '../components/ui';

type Form = { email: string; password: string };
type SecondStepForm = { code: string; recoveryCode: string };

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
  const { session, restoring, signIn, notice } = useSession();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  // A single sign-on of an account with a second factor arrives here with its challenge.
  const [challenge, setChallenge] = useState<string | null>(
    () => (location.state as { challenge?: string } | null)?.challenge ?? null,
  );
  const sso = useSsoEnabled();
  const { register, handleSubmit, formState } = useForm<Form>({
    defaultValues: { email: '', password: '' },
  });
  if (session) {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/signin' ? from : '/'} replace />;
  }
  if (restoring) return <Loading what={t('session.restoring')} />;
  if (challenge) {
    return (
      <SecondStep
        challenge={challenge}
        onRestart={(why) => {
          setChallenge(null);
          setError(why);
        }}
      />
    );
  }
  const onSubmit = handleSubmit(async (v) => {
    setError(null);
    try {
      const next = await signIn(v.email.trim(), v.password);
      if (next) setChallenge(next.challenge);
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
      {notice === 'everywhere' && (
        <div className="alert ok" role="status">
          {t('signIn.signedOutEverywhere')}
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
      <p>
        <Link to="/forgot-password">{t('password.forgotLink')}</Link>
      </p>
      <p className="small muted" style={{ marginTop: '2rem' }}>
        {t('signIn.interested')} <Link to="/prescreening">{t('signIn.prescreening')}</Link>.
      </p>
    </main>
  );
}

/** The sign-in's second step: the authenticator app's code, or one of the recovery codes. */
function SecondStep({
  challenge,
  onRestart,
}: {
  challenge: string;
  onRestart: (why: string) => void;
}) {
  const { t } = useTranslation();
  const { completeSecondFactor } = useSession();
  const [useRecovery, setUseRecovery] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { register, handleSubmit, formState, reset } = useForm<SecondStepForm>({
    defaultValues: { code: '', recoveryCode: '' },
  });
  const onSubmit = handleSubmit(async (v) => {
    setError(null);
    try {
      await completeSecondFactor(
        challenge,
        useRecovery ? { recoveryCode: v.recoveryCode.trim() } : { code: v.code.trim() },
      );
    } catch (e) {
      if (e instanceof ApiError && e.code === 'SECOND_FACTOR_LOCKED') {
        setError(
          t('signIn.secondFactor.locked', { minutes: e.paramsOf('SECOND_FACTOR_LOCKED').minutes }),
        );
        return;
      }
      if (e instanceof ApiError && e.code === 'SECOND_FACTOR_CHALLENGE_INVALID') {
        onRestart(t('signIn.secondFactor.restart'));
        return;
      }
      if (e instanceof ApiError && (e.code === 'SECOND_FACTOR_INVALID' || e.status === 400)) {
        setError(
          t(useRecovery ? 'signIn.secondFactor.wrongRecovery' : 'signIn.secondFactor.wrong'),
        );
        reset({ code: '', recoveryCode: '' });
        return;
      }
      setError(messageFor(e));
    }
  });
  return (
    <main className="signin">
      <h1>{t('signIn.secondFactor.title')}</h1>
      <p>{t(useRecovery ? 'signIn.secondFactor.recoveryIntro' : 'signIn.secondFactor.intro')}</p>
      {error && (
        <div className="alert error" role="alert">
          {error}
        </div>
      )}
      <form onSubmit={onSubmit} noValidate>
        {useRecovery ? (
          <Field
            label={t('signIn.secondFactor.recoveryCode')}
            error={formState.errors.recoveryCode?.message}
          >
            {(c) => (
              <input
                {...c}
                autoComplete="off"
                autoFocus
                spellCheck={false}
                {...register('recoveryCode', {
                  required: t('signIn.secondFactor.recoveryRequired'),
                })}
              />
            )}
          </Field>
        ) : (
          <Field
            label={t('signIn.secondFactor.code')}
            hint={t('signIn.secondFactor.codeHint')}
            error={formState.errors.code?.message}
          >
            {(c) => (
              <input
                {...c}
                inputMode="numeric"
                autoComplete="one-time-code"
                autoFocus
                maxLength={6}
                {...register('code', {
                  required: t('signIn.secondFactor.codeRequired'),
                  pattern: {
                    value: /^\s*\d{6}\s*$/,
                    message: t('signIn.secondFactor.codeRequired'),
                  },
                })}
              />
            )}
          </Field>
        )}
        <button type="submit" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? t('signIn.submitting') : t('signIn.secondFactor.submit')}
        </button>
      </form>
      <p>
        <button
          type="button"
          className="link"
          onClick={() => {
            setError(null);
            setUseRecovery(!useRecovery);
          }}
        >
          {t(useRecovery ? 'signIn.secondFactor.useApp' : 'signIn.secondFactor.useRecovery')}
        </button>
      </p>
      <p>
        <button type="button" className="secondary" onClick={() => onRestart('')}>
          {t('signIn.secondFactor.back')}
        </button>
      </p>
    </main>
  );
}
