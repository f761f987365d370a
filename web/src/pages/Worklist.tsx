import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, call } from '../api/client';
import type { Participant } from '../api/client';
import { useSession, useUser } from '../auth/session';
import { OpenQueries } from '../components/DataQueries';
import { DataTable, ErrorBox, Field, QueryView, Tag } from '../components/ui';
import { applyServerErrors } from '../lib/forms';
import { PATHWAY_ORDER, STATUS_LABELS, WAITING_FOR } from '../lib/labels';
import { useSiteMap } from '../lib/reference';
import { daysSince, durationSince, formatInstant } from '../lib/time';

const col = createColumnHelper<Participant>();

/** A candidate's name on screen: the pseudonymous study id, or "pre-screened" before it has one. */
export function participantName(p: Pick<Participant, 'studyId' | 'id'>): string {
  return p.studyId ?? `Pre-screened candidate ${p.id.slice(0, 8)}`;
}

export function Worklist() {
  const user = useUser();
  const { hasRole } = useSession();
  const sites = useSiteMap();
  const [siteId, setSiteId] = useState('');
  const [showRegister, setShowRegister] = useState(false);
  const query = useQuery({
    queryKey: ['participants', 'worklist', siteId],
    queryFn: () =>
      call(
        api.GET('/participants', {
          params: { query: { pageSize: 200, ...(siteId ? { siteId } : {}) } },
        }),
      ),
  });
  const mySites = user.trialWide
    ? [...sites.values()]
    : user.siteIds.map((id) => sites.get(id)).filter((s) => !!s);

  const columns = [
    col.accessor((p) => participantName(p), {
      id: 'candidate',
      header: 'Candidate',
      cell: (c) => <Link to={`/participants/${c.row.original.id}`}>{c.getValue()}</Link>,
    }),
    col.accessor('siteLabel', { header: 'Site' }),
    col.accessor((p) => WAITING_FOR[p.status] ?? '—', {
      id: 'waiting',
      header: 'Waiting for',
      enableSorting: false,
    }),
    col.accessor((p) => daysSince(p.statusChangedAt), {
      id: 'since',
      header: 'Waiting',
      cell: (c) => {
        const p = c.row.original;
        const days = c.getValue() as number;
        return (
          <span title={formatInstant(p.statusChangedAt, sites.get(p.siteId)?.timeZone)}>
            {durationSince(p.statusChangedAt)}{' '}
            {days > 14 && p.status !== 'ineligible' && p.status !== 'screen_failed' && (
              <Tag tone="warn">over 2 weeks</Tag>
            )}
          </span>
        );
      },
    }),
  ];

  return (
    <>
      <h1>Candidate worklist</h1>
      <p className="muted">
        Candidates by pathway step, with what each is waiting for and for how long. Dates are in
        each site’s time zone.
      </p>
      <div className="row">
        {mySites.length > 1 && (
          <Field label="Site">
            {(c) => (
              <select {...c} value={siteId} onChange={(e) => setSiteId(e.target.value)}>
                <option value="">All my sites</option>
                {mySites.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.label} · {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {hasRole('coordinator') && (
          <div className="field">
            <button
              type="button"
              onClick={() => setShowRegister((v) => !v)}
              aria-expanded={showRegister}
            >
              {showRegister ? 'Close the registration form' : 'Register a candidate'}
            </button>
          </div>
        )}
      </div>
      {showRegister && (
        <RegisterCandidate
          sites={mySites.filter((s) => s.roles.includes('screening') && s.active)}
        />
      )}
      {hasRole('coordinator', 'investigator', 'monitor') && <ReconsentPending siteId={siteId} />}
      {hasRole('coordinator', 'investigator') && <OpenQueries siteId={siteId || undefined} />}
      <QueryView query={query} what="candidates">
        {(page) => {
          const byStatus = (s: string) => page.items.filter((p) => p.status === s);
          const later = page.items.filter((p) => !PATHWAY_ORDER.includes(p.status));
          return (
            <>
              {page.total > page.items.length && (
                <div className="alert info">
                  Showing the first {page.items.length} of {page.total} candidates; choose a site to
                  narrow the list.
                </div>
              )}
              {PATHWAY_ORDER.map((status) => {
                const rows = byStatus(status);
                return (
                  <section key={status} aria-labelledby={`h-${status}`}>
                    <h2 id={`h-${status}`}>
                      {STATUS_LABELS[status]} <span className="muted">({rows.length})</span>
                    </h2>
                    <DataTable
                      data={rows}
                      columns={columns}
                      empty="No candidates at this step."
                      initialSort={[{ id: 'since', desc: true }]}
                    />
                  </section>
                );
              })}
              <section aria-labelledby="h-later">
                <h2 id="h-later">
                  Randomised, withdrawn or finished <span className="muted">({later.length})</span>
                </h2>
                <DataTable
                  data={later}
                  columns={[
                    columns[0],
                    columns[1],
                    col.accessor((p) => STATUS_LABELS[p.status], {
                      id: 'status',
                      header: 'Status',
                    }),
                  ]}
                  empty="None yet."
                />
              </section>
            </>
          );
        }}
      </QueryView>
    </>
  );
}

type RegisterForm = {
  siteId: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  email: string;
  phone: string;
  nationalIdType: string;
  nationalIdValue: string;
};
const REGISTER_FIELDS = [
  'siteId',
  'identity.givenName',
  'identity.familyName',
  'identity.birthDate',
  'identity.contact.email',
  'identity.contact.phone',
  'identity.nationalId.value',
];

/** The keys a likely duplicate matched on, in words (the API says no more than this). */
const MATCHED_ON: Record<string, string> = {
  national_id: 'the same national id number',
  name_birth_date: 'the same name and date of birth',
};

function RegisterCandidate({ sites }: { sites: { id: string; label: string; name: string }[] }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [summary, setSummary] = useState<string[]>([]);
  // A likely duplicate (409 LIKELY_DUPLICATE): which keys matched; registering anyway needs a reason.
  const [duplicate, setDuplicate] = useState<string[] | null>(null);
  const [duplicateReason, setDuplicateReason] = useState('');
  const { register, handleSubmit, setError, formState } = useForm<RegisterForm>({
    defaultValues: {
      siteId: sites[0]?.id ?? '',
      givenName: '',
      familyName: '',
      birthDate: '',
      email: '',
      phone: '',
      nationalIdType: '',
      nationalIdValue: '',
    },
  });
  const mutation = useMutation({
    mutationFn: (v: RegisterForm) =>
      call(
        api.POST('/participants', {
          body: {
            siteId: v.siteId,
            identity: {
              givenName: v.givenName,
              familyName: v.familyName,
              birthDate: v.birthDate,
              ...(v.email || v.phone
                ? {
                    contact: {
                      ...(v.email ? { email: v.email } : {}),
                      ...(v.phone ? { phone: v.phone } : {}),
                    },
                  }
                : {}),
              ...(v.nationalIdType && v.nationalIdValue
                ? { nationalId: { type: v.nationalIdType as 'nl_bsn', value: v.nationalIdValue } }
                : {}),
            },
            ...(duplicate && duplicateReason.trim()
              ? { confirmDuplicate: { reason: duplicateReason.trim() } }
              : {}),
          },
        }),
      ),
    onSuccess: async (p) => {
      await qc.invalidateQueries({ queryKey: ['participants'] });
      navigate(`/participants/${p.id}`);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'LIKELY_DUPLICATE') {
        const params = e.errors[0]?.params as { matchedOn?: string[] } | undefined;
        setDuplicate(params?.matchedOn ?? []);
        setSummary([]);
        return;
      }
      const map: Record<string, keyof RegisterForm> = {
        'identity.givenName': 'givenName',
        'identity.familyName': 'familyName',
        'identity.birthDate': 'birthDate',
        'identity.contact.email': 'email',
        'identity.contact.phone': 'phone',
        'identity.nationalId.value': 'nationalIdValue',
      };
      const left = applyServerErrors<Record<string, string>>(
        e,
        (name, err, o) => setError((map[name as string] ?? name) as keyof RegisterForm, err, o),
        REGISTER_FIELDS,
      );
      setSummary(left);
    },
  });
  const e = formState.errors;
  return (
    <form
      className="panel"
      onSubmit={handleSubmit((v) => (setSummary([]), mutation.mutate(v)))}
      noValidate
      aria-labelledby="register-h"
    >
      <h2 id="register-h">Register a referred candidate</h2>
      <p className="small muted">
        The name, birth date and contact details go to the identity vault; the trial record carries
        only a study id.
      </p>
      {summary.length > 0 && (
        <ErrorBox error={new Error(summary.join('; '))} title="The candidate was not registered" />
      )}
      <div className="grid">
        <Field label="Screening site" error={e.siteId?.message}>
          {(c) => (
            <select {...c} {...register('siteId', { required: 'Choose the site' })}>
              {sites.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label} · {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Given name" error={e.givenName?.message}>
          {(c) => (
            <input
              {...c}
              autoComplete="off"
              {...register('givenName', { required: 'Enter the given name' })}
            />
          )}
        </Field>
        <Field label="Family name" error={e.familyName?.message}>
          {(c) => (
            <input
              {...c}
              autoComplete="off"
              {...register('familyName', { required: 'Enter the family name' })}
            />
          )}
        </Field>
        <Field label="Date of birth" error={e.birthDate?.message}>
          {(c) => (
            <input
              {...c}
              type="date"
              {...register('birthDate', { required: 'Enter the date of birth' })}
            />
          )}
        </Field>
        <Field label="E-mail (optional)" error={e.email?.message}>
          {(c) => <input {...c} type="email" autoComplete="off" {...register('email')} />}
        </Field>
        <Field label="Phone (optional)" hint="For example +31 20 444 4444" error={e.phone?.message}>
          {(c) => <input {...c} type="tel" autoComplete="off" {...register('phone')} />}
        </Field>
        <Field label="National id type (optional)">
          {(c) => (
            <select {...c} {...register('nationalIdType')}>
              <option value="">None</option>
              <option value="nl_bsn">BSN (NL)</option>
              <option value="no_fnr">Fødselsnummer (NO)</option>
              <option value="se_pnr">Personnummer (SE)</option>
              <option value="dk_cpr">CPR (DK)</option>
              <option value="other">Other</option>
            </select>
          )}
        </Field>
        <Field label="National id number" error={e.nationalIdValue?.message}>
          {(c) => <input {...c} autoComplete="off" {...register('nationalIdValue')} />}
        </Field>
      </div>
      {duplicate && (
        <div className="alert warn" role="alert">
          <p style={{ marginTop: 0 }}>
            <strong>Possibly already registered.</strong> A participant with{' '}
            {duplicate.map((k) => MATCHED_ON[k] ?? k).join(' and ')} is registered in the trial (at
            this or another site). Check with the trial office before registering again.
          </p>
          <Field label="Reason to register anyway (recorded in the audit trail)">
            {(c) => (
              <input
                {...c}
                value={duplicateReason}
                onChange={(ev) => setDuplicateReason(ev.target.value)}
              />
            )}
          </Field>
        </div>
      )}
      <button
        type="submit"
        disabled={mutation.isPending || (!!duplicate && !duplicateReason.trim())}
      >
        {mutation.isPending ? 'Registering…' : duplicate ? 'Register anyway' : 'Register candidate'}
      </button>
    </form>
  );
}

/** Participants who must consent again to the current consent version (after an amendment). */
export function ReconsentPending({ siteId }: { siteId: string }) {
  const query = useQuery({
    queryKey: ['reconsent', 'pending', siteId],
    queryFn: () =>
      call(api.GET('/reconsent/pending', { params: { query: siteId ? { siteId } : {} } })),
  });
  if (!query.data?.currentVersion) return null;
  const { currentVersion, amendment, items } = query.data;
  return (
    <section aria-labelledby="h-reconsent">
      <h2 id="h-reconsent">
        Re-consent to version {currentVersion} pending{' '}
        <span className="muted">({items.length})</span>
      </h2>
      {amendment && <p className="small muted">{amendment}</p>}
      {items.length === 0 ? (
        <p className="muted">Everyone has consented to the current version.</p>
      ) : (
        <ul>
          {items.map((i) => (
            <li key={i.participantId}>
              <Link to={`/participants/${i.participantId}`}>
                {i.studyId ?? i.participantId.slice(0, 8)}
              </Link>{' '}
              <span className="small muted">
                ({i.siteLabel}; consented to {i.consentedVersion} on {i.consentedOn})
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
