import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useLocation, useNavigate } from 'react-router';
import { api, ApiError, call } from '../../api/client';
import { useSession, useUser } from '../../auth/session';
import { Field } from '../../components/ui';
import { applyServerErrors } from '../../lib/forms';

type Form = { currentPassword: string; newPassword: string; repeat: string };

/**
 * Changing the own password (reachable from the account menu). An account with a temporary
 * password is sent here after signing in and can go nowhere else until it has chosen its own.
 */
export function ChangePassword() {
  const { t } = useTranslation();
  const user = useUser();
  const { adopt } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const forced = user.passwordChangeRequired;
  const [done, setDone] = useState(false);
  const [left, setLeft] = useState<string[]>([]);
  const { register, handleSubmit, formState, setError, getValues, reset } = useForm<Form>({
    defaultValues: { currentPassword: '', newPassword: '', repeat: '' },
  });
  const onSubmit = handleSubmit(async (v) => {
    setLeft([]);
    setDone(false);
    try {
      const res = await call(
        api.POST('/auth/password', {
          body: { currentPassword: v.currentPassword, newPassword: v.newPassword },
        }),
      );
      adopt(res);
      reset();
      if (forced) {
        const from = (location.state as { from?: string } | null)?.from;
        navigate(from && from !== '/account/password' ? from : '/', { replace: true });
      } else {
        setDone(true);
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) {
        setLeft([t('password.tooMany')]);
        return;
      }
      setLeft(applyServerErrors<Form>(e, setError, ['currentPassword', 'newPassword']));
    }
  });
  const e = formState.errors;
  return (
    <>
      <h1>{t('password.changeTitle')}</h1>
      {forced && (
        <div className="alert warn" role="status">
          {t('password.forced')}
        </div>
      )}
      {done && (
        <div className="alert ok" role="status">
          {t('password.changed')}
        </div>
      )}
      {left.length > 0 && (
        <div className="alert error" role="alert">
          {left.join(' ')}
        </div>
      )}
      <form className="panel narrow" onSubmit={onSubmit} noValidate>
        {/* For password managers: the account the password belongs to. */}
        <input
          type="email"
          autoComplete="username"
          value={user.email}
          readOnly
          hidden
          aria-hidden="true"
        />
        <Field
          label={forced ? t('password.temporary') : t('password.current')}
          error={e.currentPassword?.message}
        >
          {(c) => (
            <input
              {...c}
              type="password"
              autoComplete="current-password"
              {...register('currentPassword', { required: t('password.currentRequired') })}
            />
          )}
        </Field>
        <Field label={t('password.new')} hint={t('password.rules')} error={e.newPassword?.message}>
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
        <Field label={t('password.repeat')} error={e.repeat?.message}>
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
        <p className="small muted">{t('password.othersEnd')}</p>
        <button type="submit" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? t('common.working') : t('password.changeSubmit')}
        </button>
      </form>
    </>
  );
}
