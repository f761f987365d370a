import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { api, ApiError, call } from '../../api/client';
import type { Assessment, Participant, SetResult } from '../../api/client';
import { useSession } from '../../auth/session';
import { dropAssertion, peekAssertion, startReauthentication } from '../../auth/sso';
import { ConfirmDialog, ErrorBox, Field, QueryView, Tag } from '../../components/ui';
import { OUTCOME_LABELS, RESULT_LABELS } from '../../lib/labels';
import { formatDate, formatInstant } from '../../lib/time';

/**
 * The criteria sets the engine knows. The API has no endpoint listing them yet (reported), so the
 * page offers these; the API refuses an unknown id with a clear message.
 */
const KNOWN_SETS = [
  { id: 'ram-ms-v2', label: 'RAM-MS v2 (2021)' },
  { id: 'ram-ms-v1', label: 'RAM-MS v1 (2018)' },
  { id: 'zin-2022', label: 'ZIN 2022 (Dutch reimbursement)' },
];

/** An exclusion that is "met" does not apply: say so, rather than a bare "Met" next to "hypersensitivity". */
function outcomeLabel(kind: string, outcome: string): string {
  if (kind === 'exclusion')
    return outcome === 'met'
      ? 'Does not apply'
      : outcome === 'not_met'
        ? 'Applies: excludes'
        : (OUTCOME_LABELS[outcome] ?? outcome);
  return OUTCOME_LABELS[outcome] ?? outcome;
}

const tone = (r: string) =>
  r === 'eligible' || r === 'met' ? 'ok' : r === 'ineligible' || r === 'not_met' ? 'bad' : 'warn';

function SetColumn({
  set,
}: {
  set: Pick<
    SetResult,
    'label' | 'result' | 'criteria' | 'warnings' | 'disabledCriteria' | 'active'
  >;
}) {
  return (
    <section className="panel" aria-label={set.label}>
      <h3>
        {set.label} {set.active && <span className="muted small">(the trial’s active set)</span>}
      </h3>
      <p>
        Result: <Tag tone={tone(set.result)}>{RESULT_LABELS[set.result] ?? set.result}</Tag>
      </p>
      {set.warnings.length > 0 && (
        <div className="alert warn">
          <ul>
            {set.warnings.map((w) => (
              <li key={w.code + (w.criterionId ?? '')}>{w.message}</li>
            ))}
          </ul>
        </div>
      )}
      <ul className="criteria">
        {set.criteria.map((c) => (
          <li key={c.id}>
            <strong>
              {c.id} ({c.kind}) {c.title}
            </strong>{' '}
            <Tag tone={tone(c.outcome)}>{outcomeLabel(c.kind, c.outcome)}</Tag>
            {!c.verified && <Tag tone="warn">not confirmed from a public source</Tag>}
            <div className="small">{c.explanation}</div>
          </li>
        ))}
      </ul>
      {set.disabledCriteria.length > 0 && (
        <p className="small muted">
          Not judged here: {set.disabledCriteria.join(', ')} (recorded later in the workflow or
          switched off in this set).
        </p>
      )}
    </section>
  );
}

/** Eligibility per criterion for several criteria sets side by side (nothing is stored). */
export function EligibilityView({
  participant,
  source,
}: {
  participant: Participant;
  source: 'screening' | 'pre_screening';
}) {
  const [sets, setSets] = useState<string[]>(['ram-ms-v2', 'zin-2022']);
  const query = useQuery({
    queryKey: ['participant', participant.id, 'eligibility', source, sets.join(',')],
    queryFn: () =>
      call(
        api.GET('/participants/{id}/eligibility', {
          params: { path: { id: participant.id }, query: { sets: sets.join(','), source } },
        }),
      ),
    enabled: sets.length > 0,
  });
  return (
    <section aria-labelledby={`elig-${source}`}>
      <h2 id={`elig-${source}`}>
        {source === 'screening'
          ? 'Eligibility, per criterion'
          : 'Pre-screening answers against the criteria'}
      </h2>
      <fieldset>
        <legend>Criteria sets to compare</legend>
        <div className="choices">
          {KNOWN_SETS.map((s) => (
            <label key={s.id}>
              <input
                type="checkbox"
                checked={sets.includes(s.id)}
                onChange={(e) =>
                  setSets((v) => (e.target.checked ? [...v, s.id] : v.filter((x) => x !== s.id)))
                }
              />
              {s.label}
            </label>
          ))}
        </div>
      </fieldset>
      {sets.length === 0 ? (
        <p className="muted">Choose at least one criteria set.</p>
      ) : (
        <QueryView query={query} what="the eligibility result">
          {(r) => (
            <>
              <p className="small muted">
                Judged on {formatDate(r.assessmentDate)} (today at the site)
                {r.ageAtAssessment !== null ? `, age ${r.ageAtAssessment}` : ''}. Nothing is stored
                until an assessment is made.
              </p>
              <div className="side-by-side">
                {r.results.map((s) => (
                  <SetColumn key={s.criteriaSetId} set={s} />
                ))}
              </div>
            </>
          )}
        </QueryView>
      )}
    </section>
  );
}

type SignForm = { password: string; meaning: string };

/** Stored assessments, making one, and the investigator's signature (password entered again). */
export function Assessments({ participant, zone }: { participant: Participant; zone: string }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const canAssess = hasRole('coordinator', 'investigator');
  const query = useQuery({
    queryKey: ['participant', participant.id, 'assessments'],
    queryFn: () =>
      call(api.GET('/participants/{id}/assessments', { params: { path: { id: participant.id } } })),
  });
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/participants/{id}/assessments', {
          params: { path: { id: participant.id } },
          body: {},
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['participant', participant.id] }),
  });
  const [signing, setSigning] = useState<Assessment | null>(null);
  return (
    <section aria-labelledby="assess-h">
      <h2 id="assess-h">Assessments and signature</h2>
      {canAssess && participant.status === 'screening_visit_done' && (
        <p>
          <button type="button" onClick={() => create.mutate()} disabled={create.isPending}>
            {create.isPending ? 'Assessing…' : 'Make an eligibility assessment'}
          </button>{' '}
          <span className="small muted">
            Stores the result of the trial’s active criteria set for the current screening data.
          </span>
        </p>
      )}
      <ErrorBox error={create.error} title="No assessment was made" />
      <QueryView query={query} what="assessments">
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No assessment yet.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>Assessments of this candidate</caption>
                <thead>
                  <tr>
                    <th scope="col">Made</th>
                    <th scope="col">Criteria set</th>
                    <th scope="col">Result</th>
                    <th scope="col">Not met</th>
                    <th scope="col">Signature</th>
                  </tr>
                </thead>
                <tbody>
                  {[...list].reverse().map((a) => (
                    <tr key={a.id}>
                      <td>{formatInstant(a.createdAt, zone)}</td>
                      <td>{a.criteriaSetLabel}</td>
                      <td>
                        <Tag tone={tone(a.result)}>{RESULT_LABELS[a.result] ?? a.result}</Tag>
                        {!a.matchesCurrentData && (
                          <Tag tone="warn">screening data changed since</Tag>
                        )}
                      </td>
                      <td>{a.exclusionCodes.join(', ') || '—'}</td>
                      <td>
                        {a.signature ? (
                          <span>
                            <Tag tone={a.signature.status === 'signed' ? 'ok' : 'warn'}>
                              {a.signature.status === 'signed' ? 'Signed' : 'Void'}
                            </Tag>{' '}
                            by {a.signature.signerName}, {formatInstant(a.signature.signedAt, zone)}
                            : “{a.signature.meaning}”
                            {a.signature.voidReason && (
                              <div className="small">Void: {a.signature.voidReason}</div>
                            )}
                          </span>
                        ) : hasRole('investigator') &&
                          a.result !== 'incomplete' &&
                          a.matchesCurrentData &&
                          participant.status === 'screening_visit_done' ? (
                          <button type="button" onClick={() => setSigning(a)}>
                            Sign this assessment
                          </button>
                        ) : (
                          <span className="muted">Not signed</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      {signing && (
        <SignDialog
          participantId={participant.id}
          assessment={signing}
          onDone={() => setSigning(null)}
        />
      )}
    </section>
  );
}

function SignDialog({
  participantId,
  assessment,
  onDone,
}: {
  participantId: string;
  assessment: Assessment;
  onDone: () => void;
}) {
  const qc = useQueryClient();
  const { t } = useTranslation();
  const location = useLocation();
  // After a re-authentication at the hospital (single sign-on): its assertion signs instead.
  const assertion = peekAssertion('signature');
  const [reauthError, setReauthError] = useState<unknown>(null);
  const options = useQuery({
    queryKey: ['signing-options'],
    queryFn: () => call(api.GET('/auth/signing-options')),
  });
  const { register, handleSubmit, formState, setError } = useForm<SignForm>({
    defaultValues: {
      password: '',
      meaning: `I confirm this eligibility decision (${assessment.result})`,
    },
  });
  const sign = useMutation({
    mutationFn: (v: SignForm) =>
      call(
        api.POST('/participants/{id}/assessments/{assessmentId}/sign', {
          params: { path: { id: participantId, assessmentId: assessment.id } },
          body:
            assertion && !v.password
              ? { meaning: v.meaning, signingAssertion: assertion }
              : { meaning: v.meaning, password: v.password },
        }),
      ),
    onSuccess: async () => {
      if (assertion) dropAssertion();
      await qc.invalidateQueries({ queryKey: ['participant', participantId] });
      onDone();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'SIGNING_ASSERTION_INVALID') dropAssertion();
      if (e instanceof ApiError && e.code === 'SIGNATURE_PASSWORD_INVALID')
        setError('password', { message: 'The password is not correct; nothing was signed.' });
    },
  });
  const submit = handleSubmit((v) => sign.mutate(v));
  return (
    <ConfirmDialog
      open
      title="Sign the eligibility decision"
      confirmLabel={assertion ? t('sso.signWithReauth') : 'Sign with my password'}
      onConfirm={() => void submit()}
      onCancel={onDone}
      busy={sign.isPending}
    >
      <p>
        You sign that this candidate is <strong>{RESULT_LABELS[assessment.result]}</strong> under{' '}
        {assessment.criteriaSetLabel}. Your name, the time and the meaning are recorded with the
        signature (21 CFR 11.50).
      </p>
      <form onSubmit={submit} noValidate>
        <Field label="Meaning of the signature" error={formState.errors.meaning?.message}>
          {(c) => (
            <input
              {...c}
              {...register('meaning', { required: 'State what the signature means' })}
            />
          )}
        </Field>
        {assertion && (
          <div className="alert ok" role="status">
            {t('sso.reauthenticated')}
          </div>
        )}
        {!assertion && options.data?.ssoReauthentication && (
          <p>
            <button
              type="button"
              className="secondary"
              onClick={() =>
                startReauthentication('signature', location.pathname).catch(setReauthError)
              }
            >
              {t('sso.reauthenticate')}
            </button>{' '}
            <span className="muted">{t('sso.orPassword')}</span>
          </p>
        )}
        <Field label="Your password, again" error={formState.errors.password?.message}>
          {(c) => (
            <input
              {...c}
              type="password"
              autoComplete="current-password"
              {...register('password', { required: assertion ? false : 'Enter your password' })}
            />
          )}
        </Field>
      </form>
      {reauthError !== null && <ErrorBox error={reauthError} title="Not signed" />}
      {sign.isError &&
        !(sign.error instanceof ApiError && sign.error.code === 'SIGNATURE_PASSWORD_INVALID') && (
          <ErrorBox error={sign.error} title="Not signed" />
        )}
    </ConfirmDialog>
  );
}
