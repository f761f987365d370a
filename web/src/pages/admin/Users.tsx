import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { api, call } from '../../api/client';
import type { Role, User } from '../../api/client';
import { DataTable, ErrorBox, Field, Pager, QueryView, Tag } from '../../components/ui';
import { applyServerErrors } from '../../lib/forms';
import { ROLE_LABELS } from '../../lib/labels';
import { useSiteMap, useSites } from '../../lib/reference';
import { useSsoEnabled } from '../../auth/sso';
import { UserPasswordReset } from './UserPasswordReset';
import { UserSecondFactorReset } from './UserSecondFactorReset';

const ROLES = Object.keys(ROLE_LABELS) as Role[];
const col = createColumnHelper<User>();

/** Users, their roles and sites; create, change, deactivate (all audited). */
export function AdminUsers() {
  const sites = useSiteMap();
  const [page, setPage] = useState(1);
  const [role, setRole] = useState('');
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const query = useQuery({
    queryKey: ['users', page, role],
    queryFn: () =>
      call(
        api.GET('/users', {
          params: { query: { page, pageSize: 25, ...(role ? { role: role as Role } : {}) } },
        }),
      ),
    placeholderData: (p) => p,
  });
  const columns = [
    col.accessor('displayName', { header: 'Name' }),
    col.accessor('email', {
      header: 'E-mail',
      cell: (c) => <span className="wrap-anywhere">{c.getValue()}</span>,
    }),
    col.accessor((u) => u.roles.map((r) => ROLE_LABELS[r]).join(', '), {
      id: 'roles',
      header: 'Roles',
    }),
    col.accessor(
      (u) =>
        u.trialWide
          ? 'All sites'
          : u.memberships
              .map((m) => {
                const dates =
                  m.startsOn || m.endsOn ? ` (${m.startsOn ?? '…'} to ${m.endsOn ?? '…'})` : '';
                return `${sites.get(m.siteId)?.label ?? m.siteId}${dates}`;
              })
              .join(', '),
      { id: 'sites', header: 'Sites (delegation dates)' },
    ),
    col.accessor('active', {
      header: 'Status',
      cell: (c) => (
        <>
          {c.getValue() ? <Tag tone="ok">active</Tag> : <Tag tone="bad">deactivated</Tag>}
          {c.row.original.passwordChangeRequired && (
            <>
              {' '}
              <Tag tone="warn">must change password</Tag>
            </>
          )}
        </>
      ),
    }),
    col.display({
      id: 'edit',
      header: 'Change',
      cell: (c) => (
        <button
          type="button"
          className="secondary"
          onClick={() => setEditing(c.row.original)}
          aria-label={`Change ${c.row.original.displayName}`}
        >
          Change
        </button>
      ),
    }),
  ];
  return (
    <>
      <h1>Users and roles</h1>
      <div className="row">
        <Field label="Role">
          {(c) => (
            <select
              {...c}
              value={role}
              onChange={(e) => {
                setRole(e.target.value);
                setPage(1);
              }}
            >
              <option value="">All roles</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field">
          <button type="button" onClick={() => setEditing('new')}>
            Add a user
          </button>
        </div>
      </div>
      <RoleConflicts onChange={setEditing} />
      {editing && (
        <UserForm
          key={editing === 'new' ? 'new' : editing.id}
          user={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      <QueryView query={query} what="users">
        {(p) => (
          <>
            <DataTable data={p.items} columns={columns} />
            <Pager page={p.page} pageSize={p.pageSize} total={p.total} onPage={setPage} />
          </>
        )}
      </QueryView>
    </>
  );
}

/** Accounts whose roles break the combination rules: each acts only in its least privileged role until changed here. */
function RoleConflicts({ onChange }: { onChange: (u: User) => void }) {
  const query = useQuery({
    queryKey: ['users', 'role-conflicts'],
    queryFn: () => call(api.GET('/users/role-conflicts')),
  });
  if (!query.data?.length) return null;
  return (
    <div className="alert warn" role="status">
      <strong>Role combinations to resolve.</strong> These accounts hold roles that cannot be
      combined; until you change them, each acts only in its least privileged role.
      <ul>
        {query.data.map((u) => (
          <li key={u.id}>
            {u.displayName}: {u.conflicts.map((c) => c.message).join('; ')} (acts as{' '}
            {u.actingRoles.map((r) => ROLE_LABELS[r]).join(', ')}){' '}
            <button type="button" className="secondary" onClick={() => onChange(u)}>
              Change
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.includes(x));

type Form = {
  email: string;
  displayName: string;
  password: string;
  /** The account signs in only with the hospital's identity provider: no password. */
  ssoOnly: boolean;
  roles: Role[];
  siteIds: string[];
  trialWide: boolean;
  reason: string;
};

function UserForm({ user, onDone }: { user: User | null; onDone: () => void }) {
  const qc = useQueryClient();
  const sites = useSites();
  const [left, setLeft] = useState<string[]>([]);
  const sso = useSsoEnabled();
  const { register, handleSubmit, formState, setError, watch } = useForm<Form>({
    defaultValues: {
      email: user?.email ?? '',
      displayName: user?.displayName ?? '',
      password: '',
      ssoOnly: false,
      roles: user?.roles ?? [],
      siteIds: user?.memberships.map((m) => m.siteId) ?? [],
      trialWide: user?.trialWide ?? false,
      reason: '',
    },
  });
  const done = async () => {
    await qc.invalidateQueries({ queryKey: ['users'] });
    onDone();
  };
  const save = useMutation({
    // A change sends only what changed; memberships kept keep their delegation dates.
    mutationFn: (v: Form) =>
      user
        ? call(
            api.PATCH('/users/{id}', {
              params: { path: { id: user.id } },
              body: {
                ...(v.displayName !== user.displayName ? { displayName: v.displayName } : {}),
                ...(!sameSet(v.roles, user.roles) ? { roles: v.roles } : {}),
                ...(!sameSet(
                  v.siteIds,
                  user.memberships.map((m) => m.siteId),
                )
                  ? {
                      memberships: v.siteIds.map(
                        (siteId) => user.memberships.find((m) => m.siteId === siteId) ?? { siteId },
                      ),
                    }
                  : {}),
                ...(v.trialWide !== user.trialWide ? { trialWide: v.trialWide } : {}),
                ...(v.reason ? { reason: v.reason } : {}),
              },
            }),
          )
        : call(
            api.POST('/users', {
              body: {
                email: v.email,
                displayName: v.displayName,
                ...(sso && v.ssoOnly ? {} : { password: v.password }),
                roles: v.roles,
                siteIds: v.siteIds,
                trialWide: v.trialWide,
              },
            }),
          ),
    onSuccess: done,
    onError: (e) =>
      setLeft(
        applyServerErrors<Form>(e, setError, [
          'email',
          'displayName',
          'password',
          'roles',
          'siteIds',
          'reason',
        ]),
      ),
  });
  const toggle = useMutation({
    mutationFn: (v: { reason: string }) =>
      user!.active
        ? call(
            api.POST('/users/{id}/deactivate', {
              params: { path: { id: user!.id } },
              body: v.reason ? { reason: v.reason } : {},
            }),
          )
        : call(
            api.POST('/users/{id}/reactivate', {
              params: { path: { id: user!.id } },
              body: v.reason ? { reason: v.reason } : {},
            }),
          ),
    onSuccess: done,
  });
  const e = formState.errors;
  return (
    <>
      <form
        className="panel"
        onSubmit={handleSubmit((v) => (setLeft([]), save.mutate(v)))}
        noValidate
        aria-labelledby="user-h"
      >
        <h2 id="user-h" style={{ marginTop: 0 }}>
          {user ? `Change ${user.displayName}` : 'Add a user'}
        </h2>
        <div className="grid">
          {!user && (
            <Field label="E-mail" error={e.email?.message}>
              {(c) => (
                <input
                  {...c}
                  type="email"
                  autoComplete="off"
                  {...register('email', { required: 'Enter the e-mail address' })}
                />
              )}
            </Field>
          )}
          <Field label="Name" error={e.displayName?.message}>
            {(c) => <input {...c} {...register('displayName', { required: 'Enter the name' })} />}
          </Field>
          {!user && sso && (
            <label>
              <input type="checkbox" {...register('ssoOnly')} /> Signs in with the hospital account
              only (no password)
            </label>
          )}
          {!user && !(sso && watch('ssoOnly')) && (
            <Field
              label="First password"
              hint="12 to 128 characters; the user should change it"
              error={e.password?.message}
            >
              {(c) => (
                <input
                  {...c}
                  type="password"
                  autoComplete="new-password"
                  {...register('password', { required: 'Enter a password' })}
                />
              )}
            </Field>
          )}
        </div>
        <fieldset>
          <legend>Roles</legend>
          <div className="choices">
            {ROLES.map((r) => (
              <label key={r}>
                <input type="checkbox" value={r} {...register('roles')} /> {ROLE_LABELS[r]}
              </label>
            ))}
          </div>
          {e.roles?.message && <div className="error">{e.roles.message}</div>}
        </fieldset>
        <fieldset>
          <legend>Sites</legend>
          <label>
            <input type="checkbox" {...register('trialWide')} /> All sites (trial-wide: coordinating
            investigator, statistician, monitor)
          </label>
          <div className="choices">
            {(sites.data ?? []).map((s) => (
              <label key={s.id}>
                <input type="checkbox" value={s.id} {...register('siteIds')} /> {s.label}
              </label>
            ))}
          </div>
          {e.siteIds?.message && <div className="error">{e.siteIds.message}</div>}
        </fieldset>
        {user && (
          <Field label="Reason for the change (audited)">
            {(c) => <input {...c} {...register('reason')} />}
          </Field>
        )}
        {left.length > 0 && <ErrorBox error={new Error(left.join('; '))} title="Not saved" />}
        <div className="row">
          <button type="submit" disabled={save.isPending}>
            Save
          </button>
          {user && (
            <button
              type="button"
              className={user.active ? 'danger' : 'secondary'}
              onClick={handleSubmit((v) => toggle.mutate({ reason: v.reason }))}
            >
              {user.active ? 'Deactivate' : 'Reactivate'}
            </button>
          )}
          <button type="button" className="secondary" onClick={onDone}>
            Cancel
          </button>
        </div>
        <ErrorBox error={toggle.error} />
      </form>
      {user && <UserPasswordReset user={user} />}
      {user && <UserSecondFactorReset user={user} />}
    </>
  );
}
