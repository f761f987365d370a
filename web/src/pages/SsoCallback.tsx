import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, call } from '../api/client';
import { useSession } from '../auth/session';
import { keepAssertion, takeFlow } from '../auth/sso';

/**
 * Where the hospital's provider sends the browser back (OIDC_REDIRECT_URL): hands its code and
 * state to the API, then signs in, or keeps the signing assertion and returns to the signature.
 */
export function SsoCallback() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { session, restoring, adopt } = useSession();
  const [error, setError] = useState<string | null>(null);
  const once = useRef(false);

  useEffect(() => {
    // Coming back from the provider is a new page load: a re-authentication needs the session
    // back from its cookie first (the access token lives in memory only).
    if (once.current || restoring) return;
    once.current = true;
    const q = new URLSearchParams(window.location.search);
    // The code is single use: off the address bar and the history at once.
    window.history.replaceState(null, '', window.location.pathname);
    const flow = takeFlow();
    const code = q.get('code');
    const state = q.get('state');
    const iss = q.get('iss') ?? undefined;
    if (q.get('error') || !code || !state || !flow) {
      setError(t('sso.cancelled'));
      return;
    }
    const body = { code, state, ...(iss ? { iss } : {}) };
    const finish = async () => {
      if (flow.kind === 'sign_in') {
        const res = await call(api.POST('/auth/sso/callback', { body }));
        if ('challenge' in res) {
          // The account's own second factor still applies: the sign-in page asks for the code.
          navigate('/signin', { replace: true, state: { challenge: res.challenge } });
          return;
        }
        adopt(res);
        navigate('/', { replace: true });
      } else {
        const res = await call(api.POST('/auth/sso/reauth/callback', { body }));
        keepAssertion(res.signingAssertion, res.purpose, res.expiresIn);
        navigate(flow.returnTo, { replace: true, state: { reauthenticated: true } });
      }
    };
    finish().catch((e: unknown) => {
      const code = e instanceof ApiError ? e.code : '';
      setError(
        code === 'SSO_NO_ACCOUNT'
          ? t('sso.noAccount')
          : code === 'SSO_PROVIDER_UNAVAILABLE'
            ? t('sso.unavailable')
            : e instanceof Error
              ? e.message
              : String(e),
      );
    });
  }, [adopt, navigate, t, restoring]);

  return (
    <main className="signin">
      <h1>{t('sso.title')}</h1>
      {error ? (
        <>
          <div className="alert error" role="alert">
            {error}
          </div>
          <p>
            <Link to={session ? '/' : '/signin'}>{t('sso.back')}</Link>
          </p>
        </>
      ) : (
        <p role="status">{t('sso.working')}</p>
      )}
    </main>
  );
}
