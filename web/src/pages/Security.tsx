import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, call } from '../api/client';
import type { Role, Schemas } from '../api/client';
import { useSession } from '../auth/session';
import { dropAssertion, peekAssertion, startReauthentication, useSsoEnabled } from '../auth/sso';
import { ErrorBox, Field, QueryView } from '../components/ui';
import { applyServerErrors } from '../lib/forms';
import { ROLE_LABELS } from '../lib/labels';

type Enrolment = Schemas['SecondFactorEnrolmentDto'];
type Status = Schemas['SecondFactorStatusDto'];
const ROLES = Object.keys(ROLE_LABELS) as Role[];
const STATUS_KEY = ['auth', 'second-factor'];

/** The own account's security: the second factor (set up, recovery codes, remove); for admins, the roles that require it. */
export function Security() {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  const sso = useSsoEnabled();
  return (
    <>
      <h1>{t('security.title')}</h1>
      <SecondFactor />
      {sso && <SigningPassword />}
      {hasRole('admin') && <SecondFactorPolicy />}
    </>
  );
}

/** Where a session whose role requires a second factor is sent until it has set one up. */
export function SecondFactorSetup() {
  const { t } = useTranslation();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <main className="signin">
      <h1>{t('security.setupTitle')}</h1>
      {codes ? (
        <RecoveryCodes codes={codes} onDone={() => navigate('/', { replace: true })} />
      ) : (
        <>
          <p>{t('security.requiredIntro')}</p>
          <Enrol onConfirmed={setCodes} />
          <p>
            <button type="button" className="secondary" onClick={() => signOut('signed_out')}>
              {t('layout.signOut')}
            </button>
          </p>
        </>
      )}
    </main>
  );
}

function SecondFactor() {
  const { t } = useTranslation();
  const status = useQuery({
    queryKey: STATUS_KEY,
    queryFn: () => call(api.GET('/auth/second-factor')),
  });
  // Shown once, above whatever the status becomes after the change.
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <section aria-labelledby="second-factor-heading">
      <h2 id="second-factor-heading">{t('security.secondFactor')}</h2>
      {codes && <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />}
      <QueryView query={status} what={t('security.secondFactor')}>
        {(s) =>
          s.enrolled ? (
            <Enrolled status={s} onCodes={setCodes} />
          ) : codes ? null : (
            <>
              <p>
                {t(s.requiredForActingRole ? 'security.requiredIntro' : 'security.optionalIntro')}
              </p>
              <Enrol onConfirmed={setCodes} />
            </>
          )
        }
      </QueryView>
    </section>
  );
}

/** Set-up: a secret for the app (QR code and text), confirmed with the app's first code. */
function Enrol({ onConfirmed }: { onConfirmed: (codes: string[]) => void }) {
  const { t } = useTranslation();
  const { adopt } = useSession();
  const queryClient = useQueryClient();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const { register, handleSubmit, formState, setError } = useForm<{ code: string }>({
    defaultValues: { code: '' },
  });
  const start = useMutation({
    mutationFn: () => call(api.POST('/auth/second-factor/enrolment')),
    onSuccess: setEnrolment,
  });
  const confirm = useMutation({
    mutationFn: (code: string) =>
      call(api.POST('/auth/second-factor/enrolment/confirm', { body: { code } })),
    onSuccess: (res) => {
      onConfirmed(res.recoveryCodes);
      adopt(res.session);
      void queryClient.invalidateQueries({ queryKey: STATUS_KEY });
    },
    onError: (e) => applyServerErrors(e, setError, ['code']),
  });
  useEffect(() => {
    if (!enrolment) return;
    let live = true;
    QRCode.toDataURL(enrolment.otpauthUrl, { margin: 1, width: 220 })
      .then((url) => live && setQr(url))
      .catch(() => live && setQr(null));
    return () => {
      live = false;
    };
  }, [enrolment]);

  if (!enrolment) {
    return (
      <>
        <ErrorBox error={start.error} />
        <button type="button" onClick={() => start.mutate()} disabled={start.isPending}>
          {start.isPending ? t('common.working') : t('security.start')}
        </button>
      </>
    );
  }
  return (
    <div>
      <ol>
        <li>{t('security.step1')}</li>
        <li>
          {t('security.step2')}
          <div style={{ margin: '0.75rem 0' }}>
            {qr && <img src={qr} width={220} height={220} alt={t('security.qrAlt')} />}
          </div>
          <p className="small">
            {t('security.secretText')}{' '}
            <code data-testid="totp-secret" style={{ wordBreak: 'break-all' }}>
              {enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}
            </code>
          </p>
        </li>
        <li>{t('security.step3')}</li>
      </ol>
      <form
        noValidate
        onSubmit={handleSubmit((v) => confirm.mutate(v.code.trim()))}
        aria-label={t('security.confirm')}
      >
        <Field label={t('signIn.secondFactor.code')} error={formState.errors.code?.message}>
          {(c) => (
            <input
              {...c}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              {...register('code', {
                required: t('signIn.secondFactor.codeRequired'),
                pattern: { value: /^\s*\d{6}\s*$/, message: t('signIn.secondFactor.codeRequired') },
              })}
            />
          )}
        </Field>
        <button type="submit" disabled={confirm.isPending}>
          {confirm.isPending ? t('common.working') : t('security.confirm')}
        </button>
      </form>
    </div>
  );
}

/** The recovery codes, shown once: save (download or print) before leaving. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const file = `data:text/plain;charset=utf-8,${encodeURIComponent(
    `${t('security.codesFileTitle')}\n\n${codes.join('\n')}\n`,
  )}`;
  return (
    <div className="alert ok" role="status">
      <h3>{t('security.codesTitle')}</h3>
      <p>{t('security.codesIntro')}</p>
      <ul className="recovery-codes" aria-label={t('security.codesTitle')}>
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <p className="small">{t('security.codesHint')}</p>
      <p>
        <a href={file} download="ram-ms-recovery-codes.txt" className="button secondary">
          {t('security.download')}
        </a>{' '}
        <button type="button" className="secondary" onClick={() => window.print()}>
          {t('security.print')}
        </button>{' '}
        <button type="button" onClick={onDone}>
          {t('security.saved')}
        </button>
      </p>
    </div>
  );
}

/** A confirmed second factor: new recovery codes, or removal (unless a role requires it). */
function Enrolled({ status, onCodes }: { status: Status; onCodes: (codes: string[]) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const regen = useForm<{ code: string }>({ defaultValues: { code: '' } });
  const remove = useForm<{ password: string; code: string }>({
    defaultValues: { password: '', code: '' },
  });
  const regenerate = useMutation({
    mutationFn: (code: string) =>
      call(api.POST('/auth/second-factor/recovery-codes', { body: { code } })),
    onSuccess: (res) => {
      regen.reset();
      onCodes(res.recoveryCodes);
      void queryClient.invalidateQueries({ queryKey: STATUS_KEY });
    },
    onError: (e) => applyServerErrors(e, regen.setError, ['code']),
  });
  const removal = useMutation({
    mutationFn: (v: { password: string; code: string }) =>
      call(api.DELETE('/auth/second-factor', { body: v })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: STATUS_KEY }),
    onError: (e) => applyServerErrors(e, remove.setError, ['code', 'password']),
  });
  const codeRules = {
    required: t('signIn.secondFactor.codeRequired'),
    pattern: { value: /^\s*\d{6}\s*$/, message: t('signIn.secondFactor.codeRequired') },
  };
  return (
    <>
      <p>
        {t('security.enrolledSince', {
          date: status.confirmedAt ? new Date(status.confirmedAt).toLocaleDateString() : '—',
        })}{' '}
        {t('security.codesLeft', { count: status.recoveryCodesLeft })}
      </p>
      <h3>{t('security.newCodesTitle')}</h3>
      <form
        noValidate
        onSubmit={regen.handleSubmit((v) => regenerate.mutate(v.code.trim()))}
        aria-label={t('security.newCodesTitle')}
      >
        <Field label={t('signIn.secondFactor.code')} error={regen.formState.errors.code?.message}>
          {(c) => (
            <input
              {...c}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              {...regen.register('code', codeRules)}
            />
          )}
        </Field>
        <button type="submit" className="secondary" disabled={regenerate.isPending}>
          {t('security.newCodes')}
        </button>
      </form>
      <h3>{t('security.removeTitle')}</h3>
      {status.requiredForRoles.length > 0 ? (
        <p>
          {t('security.cannotRemove', {
            roles: status.requiredForRoles.map((r) => t(`role.${r}`)).join(', '),
          })}
        </p>
      ) : (
        <form
          noValidate
          onSubmit={remove.handleSubmit((v) => removal.mutate({ ...v, code: v.code.trim() }))}
          aria-label={t('security.removeTitle')}
        >
          <Field label={t('signIn.password')} error={remove.formState.errors.password?.message}>
            {(c) => (
              <input
                {...c}
                type="password"
                autoComplete="current-password"
                {...remove.register('password', { required: t('signIn.passwordRequired') })}
              />
            )}
          </Field>
          <Field
            label={t('signIn.secondFactor.code')}
            error={remove.formState.errors.code?.message}
          >
            {(c) => (
              <input
                {...c}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                {...remove.register('code', codeRules)}
              />
            )}
          </Field>
          <button type="submit" className="danger" disabled={removal.isPending}>
            {t('security.remove')}
          </button>
        </form>
      )}
    </>
  );
}

/** Admin: the roles whose sign-in requires a second factor. */
function SecondFactorPolicy() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const policy = useQuery({
    queryKey: ['auth', 'second-factor', 'policy'],
    queryFn: () => call(api.GET('/auth/second-factor/policy')),
  });
  return (
    <section aria-labelledby="policy-heading">
      <h2 id="policy-heading">{t('security.policyTitle')}</h2>
      <p>{t('security.policyIntro')}</p>
      <QueryView query={policy} what={t('security.policyTitle')}>
        {(p) => (
          <PolicyForm
            roles={p.roles}
            onSaved={() =>
              void queryClient.invalidateQueries({ queryKey: ['auth', 'second-factor'] })
            }
          />
        )}
      </QueryView>
    </section>
  );
}

function PolicyForm({ roles, onSaved }: { roles: Role[]; onSaved: () => void }) {
  const { t } = useTranslation();
  const { register, handleSubmit } = useForm<{ roles: Role[] }>({ defaultValues: { roles } });
  const save = useMutation({
    mutationFn: (v: { roles: Role[] }) =>
      call(api.PUT('/auth/second-factor/policy', { body: { roles: v.roles } })),
    onSuccess: onSaved,
  });
  return (
    <form noValidate onSubmit={handleSubmit((v) => save.mutate({ roles: v.roles || [] }))}>
      <fieldset>
        <legend>{t('security.policyLegend')}</legend>
        <div className="choices">
          {ROLES.map((r) => (
            <label key={r}>
              <input type="checkbox" value={r} {...register('roles')} /> {t(`role.${r}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <ErrorBox error={save.error} />
      {save.isSuccess && (
        <div className="alert ok" role="status">
          {t('security.policySaved')}
        </div>
      )}
      <button type="submit" disabled={save.isPending}>
        {save.isPending ? t('common.working') : t('security.policySave')}
      </button>
    </form>
  );
}

/**
 * A signing password for electronic signatures (21 CFR 11.200), for accounts that sign in through
 * the hospital: proof is the account's password, or a fresh sign-in at the hospital.
 */
function SigningPassword() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const options = useQuery({
    queryKey: ['auth', 'signing-options'],
    queryFn: () => call(api.GET('/auth/signing-options')),
  });
  const assertion = peekAssertion('signing_password');
  const [reauthError, setReauthError] = useState<unknown>(null);
  type Form = { password: string; currentPassword: string };
  const { register, handleSubmit, formState, setError, reset } = useForm<Form>({
    defaultValues: { password: '', currentPassword: '' },
  });
  const save = useMutation({
    mutationFn: (v: Form) =>
      call(
        api.POST('/auth/signing-password', {
          body: {
            password: v.password,
            ...(assertion
              ? { signingAssertion: assertion }
              : { currentPassword: v.currentPassword }),
          },
        }),
      ),
    onSuccess: async () => {
      dropAssertion();
      reset();
      await qc.invalidateQueries({ queryKey: ['auth', 'signing-options'] });
    },
    onError: (e) => applyServerErrors<Form>(e, setError, ['password', 'currentPassword']),
  });
  const accountPassword = options.data?.accountPassword ?? false;
  return (
    <section className="panel" aria-labelledby="signing-password-h">
      <h2 id="signing-password-h" style={{ marginTop: 0 }}>
        {t('security.signingPassword')}
      </h2>
      <p className="small">
        {options.data?.signingPassword
          ? t('security.signingPasswordSet')
          : t('security.signingPasswordIntro')}
      </p>
      {save.isSuccess && (
        <div className="alert ok" role="status">
          {t('security.signingPasswordSaved')}
        </div>
      )}
      <form onSubmit={handleSubmit((v) => save.mutate(v))} noValidate>
        <Field
          label={t('security.signingPasswordNew')}
          hint={t('security.signingPasswordHint')}
          error={formState.errors.password?.message}
        >
          {(c) => (
            <input
              {...c}
              type="password"
              autoComplete="new-password"
              {...register('password', { required: t('security.signingPasswordRequired') })}
            />
          )}
        </Field>
        {assertion ? (
          <div className="alert ok" role="status">
            {t('security.signingPasswordReauthenticated')}
          </div>
        ) : accountPassword ? (
          <Field
            label={t('security.signingPasswordProof')}
            error={formState.errors.currentPassword?.message}
          >
            {(c) => (
              <input
                {...c}
                type="password"
                autoComplete="current-password"
                {...register('currentPassword', {
                  required: t('security.signingPasswordProofRequired'),
                })}
              />
            )}
          </Field>
        ) : (
          <p>
            <button
              type="button"
              className="secondary"
              onClick={() =>
                startReauthentication('signing_password', '/security').catch(setReauthError)
              }
            >
              {t('sso.reauthenticate')}
            </button>
          </p>
        )}
        <button type="submit" disabled={save.isPending || (!assertion && !accountPassword)}>
          {t('security.signingPasswordSave')}
        </button>
      </form>
      <ErrorBox error={save.error ?? reauthError} />
    </section>
  );
}
