import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { api, ApiError, call } from '../../api/client';
import type { Participant } from '../../api/client';
import { useSession } from '../../auth/session';
import { CorrectionHistory, type RecordVersion } from '../../components/History';
import { ConfirmDialog, ErrorBox, Field, QueryView } from '../../components/ui';
import { applyServerErrors } from '../../lib/forms';
import { humanise, STATUS_LABELS, STEP_ACTIONS } from '../../lib/labels';
import { useStaffNames } from '../../lib/reference';
import { formatInstant, todayIn } from '../../lib/time';

/** The pathway steps a coordinator records (phone check, records, screening visit). */
export function PathwaySteps({ participant, zone }: { participant: Participant; zone?: string }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const today = zone ? todayIn(zone) : '';
  const [reason, setReason] = useState('');
  // Empty: the API takes today at the site (the browser's clock may differ from the server's).
  const [date, setDate] = useState('');
  const [undoReason, setUndoReason] = useState('');
  const [duplicateReason, setDuplicateReason] = useState('');
  const refresh = async (p: Participant) => {
    setReason('');
    setDate('');
    setUndoReason('');
    qc.setQueryData(['participant', participant.id], p);
    await qc.invalidateQueries({ queryKey: ['participant', participant.id] });
    await qc.invalidateQueries({ queryKey: ['participants'] });
  };
  const step = useMutation({
    mutationFn: (to: Participant['status']) =>
      call(
        api.POST('/participants/{id}/transitions', {
          params: { path: { id: participant.id } },
          body: {
            to,
            ...(reason ? { reason } : {}),
            ...(date ? { date } : {}),
            ...(duplicateReason.trim()
              ? { confirmDuplicate: { reason: duplicateReason.trim() } }
              : {}),
          },
        }),
      ),
    onSuccess: refresh,
  });
  const undo = useMutation({
    mutationFn: () =>
      call(
        api.POST('/participants/{id}/transitions/undo', {
          params: { path: { id: participant.id } },
          body: { reason: undoReason },
        }),
      ),
    onSuccess: refresh,
  });
  const steps = participant.nextSteps.filter((s) => STEP_ACTIONS[s]);
  if (!hasRole('coordinator', 'investigator')) return null;
  const undoable = UNDOABLE_FROM.includes(participant.status);
  if (steps.length === 0 && !undoable) return null;
  return (
    <div className="panel">
      {steps.length > 0 && (
        <>
          <h2 style={{ marginTop: 0 }}>Next step</h2>
          <div className="row">
            {steps.map((s) => (
              <div className="field" key={s}>
                <button type="button" onClick={() => step.mutate(s)} disabled={step.isPending}>
                  {STEP_ACTIONS[s]}
                </button>
              </div>
            ))}
            <Field label="Date it happened" hint="Today at the site unless you change it">
              {(c) => (
                <input
                  {...c}
                  type="date"
                  max={today || undefined}
                  value={date}
                  onChange={(e) => setDate(e.target.value)}
                />
              )}
            </Field>
            <Field label="Note (optional)">
              {(c) => <input {...c} value={reason} onChange={(e) => setReason(e.target.value)} />}
            </Field>
          </div>
          <ErrorBox error={step.error} title="The step was not recorded" />
          {step.error instanceof ApiError && step.error.code === 'LIKELY_DUPLICATE' && (
            <div className="row">
              <Field label="Reason to register anyway (recorded in the audit trail)">
                {(c) => (
                  <input
                    {...c}
                    value={duplicateReason}
                    onChange={(e) => setDuplicateReason(e.target.value)}
                  />
                )}
              </Field>
              <div className="field">
                <button
                  type="button"
                  onClick={() => step.mutate('registered')}
                  disabled={step.isPending || !duplicateReason.trim()}
                >
                  Register anyway
                </button>
              </div>
            </div>
          )}
        </>
      )}
      {undoable && (
        <details>
          <summary>Undo the last step</summary>
          <p className="small muted">
            Takes back the last recorded step (for example one recorded by mistake). The step stays
            in the history, marked as undone, with your reason.
          </p>
          <div className="row">
            <Field label="Reason for undoing">
              {(c) => (
                <input {...c} value={undoReason} onChange={(e) => setUndoReason(e.target.value)} />
              )}
            </Field>
            <div className="field">
              <button
                type="button"
                className="secondary"
                onClick={() => undo.mutate()}
                disabled={undo.isPending || !undoReason.trim()}
              >
                Undo last step
              </button>
            </div>
          </div>
          <ErrorBox error={undo.error} title="The step was not undone" />
        </details>
      )}
    </div>
  );
}

/** States whose last move may be a pathway step or a screen failure (the API checks which). */
const UNDOABLE_FROM: string[] = [
  'phone_check_done',
  'records_reviewed',
  'screening_visit_planned',
  'screening_visit_done',
  'screen_failed',
];

const SCREEN_FAILURE_FROM: string[] = [
  'registered',
  'phone_check_done',
  'records_reviewed',
  'screening_visit_planned',
  'screening_visit_done',
];

const SCREEN_FAILURE_REASONS = {
  not_meeting_criteria: 'Does not meet a criterion',
  declined: 'Declined to take part',
  other: 'Other reason',
} as const;
const SCREEN_FAILURE_STAGES = {
  phone_check: 'Phone check',
  records_review: 'Records review',
  screening_visit: 'Screening visit',
} as const;

type ScreenFailureForm = {
  reason: keyof typeof SCREEN_FAILURE_REASONS;
  stage: keyof typeof SCREEN_FAILURE_STAGES;
  detail: string;
  date: string;
};

/**
 * A screen failure at the phone check, records review or screening visit, with a coded reason
 * (counted as such in CONSORT and the screening log). Not a withdrawal of consent.
 */
export function ScreenFailure({ participant, zone }: { participant: Participant; zone: string }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const defaultStage: ScreenFailureForm['stage'] =
    participant.status === 'registered'
      ? 'phone_check'
      : participant.status === 'phone_check_done'
        ? 'records_review'
        : 'screening_visit';
  const { register, handleSubmit, formState, setError } = useForm<ScreenFailureForm>({
    defaultValues: {
      reason: 'not_meeting_criteria',
      stage: defaultStage,
      detail: '',
      date: todayIn(zone),
    },
  });
  const save = useMutation({
    mutationFn: (v: ScreenFailureForm) =>
      call(
        api.POST('/participants/{id}/screen-failure', {
          params: { path: { id: participant.id } },
          body: {
            reason: v.reason,
            stage: v.stage,
            detail: v.detail,
            ...(v.date ? { date: v.date } : {}),
          },
        }),
      ),
    onSuccess: async (p) => {
      qc.setQueryData(['participant', participant.id], p);
      await qc.invalidateQueries({ queryKey: ['participant', participant.id] });
      await qc.invalidateQueries({ queryKey: ['participants'] });
    },
    onError: (e) => {
      applyServerErrors<ScreenFailureForm>(e, setError, ['reason', 'stage', 'detail', 'date']);
    },
  });
  const sf = participant.screenFailure;
  return (
    <section aria-labelledby="screen-failure-h">
      {sf && (
        <div className="alert info">
          <strong>Screen failure</strong> at the {SCREEN_FAILURE_STAGES[sf.stage].toLowerCase()} on{' '}
          {sf.date}: {SCREEN_FAILURE_REASONS[sf.reason].toLowerCase()} — {sf.detail}
        </div>
      )}
      {SCREEN_FAILURE_FROM.includes(participant.status) &&
        hasRole('coordinator', 'investigator') && (
          <details className="panel">
            <summary id="screen-failure-h">Record a screen failure</summary>
            <p className="small muted">
              The candidate does not go on to randomisation: a criterion is not met, they decline,
              or another reason. A withdrawal of consent is recorded under Withdrawal instead.
            </p>
            <form onSubmit={handleSubmit((v) => save.mutate(v))} noValidate>
              <div className="row">
                <Field label="Reason" error={formState.errors.reason?.message}>
                  {(c) => (
                    <select {...c} {...register('reason')}>
                      {Object.entries(SCREEN_FAILURE_REASONS).map(([v, l]) => (
                        <option key={v} value={v}>
                          {l}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label="Found at" error={formState.errors.stage?.message}>
                  {(c) => (
                    <select {...c} {...register('stage')}>
                      {Object.entries(SCREEN_FAILURE_STAGES).map(([v, l]) => (
                        <option key={v} value={v}>
                          {l}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label="Date" error={formState.errors.date?.message}>
                  {(c) => (
                    <input
                      {...c}
                      type="date"
                      max={todayIn(zone)}
                      {...register('date', { required: 'Enter the date' })}
                    />
                  )}
                </Field>
              </div>
              <Field label="What happened" error={formState.errors.detail?.message}>
                {(c) => (
                  <input {...c} {...register('detail', { required: 'Describe what happened' })} />
                )}
              </Field>
              <button type="submit" disabled={save.isPending}>
                Record screen failure
              </button>
              <ErrorBox error={save.error} title="The screen failure was not recorded" />
            </form>
          </details>
        )}
    </section>
  );
}

/** Who did what, when (site time zone). */
export function History({ participant, zone }: { participant: Participant; zone: string }) {
  const names = useStaffNames(participant.siteId);
  const query = useQuery({
    queryKey: ['participant', participant.id, 'history'],
    queryFn: () =>
      call(api.GET('/participants/{id}/history', { params: { path: { id: participant.id } } })),
  });
  return (
    <section aria-labelledby="history-h">
      <h2 id="history-h">Pathway so far</h2>
      <QueryView query={query} what="the pathway">
        {(rows) => (
          <ol className="timeline">
            {rows.map((h, i) => (
              <li key={i}>
                <strong style={h.undoneAt ? { textDecoration: 'line-through' } : undefined}>
                  {STATUS_LABELS[h.to]}
                </strong>{' '}
                <span className="muted">({humanise(h.kind)})</span>
                {h.date && <span className="small"> on {h.date}</span>}
                {h.undoneAt && (
                  <span className="small">
                    {' '}
                    — undone {formatInstant(h.undoneAt, zone)}: {h.undoReason}
                  </span>
                )}
                <div className="small">
                  recorded {formatInstant(h.at, zone)} by{' '}
                  {h.actorId
                    ? (names.get(h.actorId) ?? `a ${humanise(h.actorRole).toLowerCase()}`)
                    : h.actorRole === 'system'
                      ? 'the web form / system'
                      : humanise(h.actorRole)}
                  {h.reason ? `: ${h.reason}` : ''}
                </div>
              </li>
            ))}
          </ol>
        )}
      </QueryView>
    </section>
  );
}

type ConsentForm = { version: string; date: string };

export function Consent({ participant, zone }: { participant: Participant; zone: string }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const { register, handleSubmit, formState } = useForm<ConsentForm>({
    defaultValues: { version: '', date: todayIn(zone) },
  });
  const save = useMutation({
    mutationFn: (v: ConsentForm) =>
      call(
        api.POST('/participants/{id}/consent', {
          params: { path: { id: participant.id } },
          body: v,
        }),
      ),
    onSuccess: async (p) => {
      qc.setQueryData(['participant', participant.id], p);
      await qc.invalidateQueries({ queryKey: ['participant', participant.id] });
    },
  });
  if (participant.status !== 'eligible' || !hasRole('coordinator', 'investigator')) return null;
  return (
    <form
      className="panel"
      onSubmit={handleSubmit((v) => save.mutate(v))}
      noValidate
      aria-labelledby="consent-h"
    >
      <h2 id="consent-h" style={{ marginTop: 0 }}>
        Informed consent
      </h2>
      <div className="row">
        <Field label="Consent form version" error={formState.errors.version?.message}>
          {(c) => (
            <input
              {...c}
              {...register('version', { required: 'Enter the version of the signed form' })}
            />
          )}
        </Field>
        <Field label="Date signed" error={formState.errors.date?.message}>
          {(c) => (
            <input {...c} type="date" {...register('date', { required: 'Enter the date' })} />
          )}
        </Field>
        <div className="field">
          <button type="submit" disabled={save.isPending}>
            Record consent
          </button>
        </div>
      </div>
      <ErrorBox error={save.error} title="Consent was not recorded" />
    </form>
  );
}

type WithdrawForm = {
  reason: string;
  destroySamples: boolean;
  initiatedBy: 'participant' | 'investigator' | 'sponsor';
};
const TERMINAL = ['completed', 'withdrawn', 'lost_to_follow_up', 'died'];

/** Withdrawal at any time (data kept), and the request to destroy body material. */
export function Withdrawal({ participant, zone }: { participant: Participant; zone: string }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const [confirm, setConfirm] = useState<WithdrawForm | null>(null);
  const { register, handleSubmit } = useForm<WithdrawForm>({
    defaultValues: { reason: '', destroySamples: false, initiatedBy: 'participant' },
  });
  const [note, setNote] = useState('');
  const done = async (p: Participant) => {
    qc.setQueryData(['participant', participant.id], p);
    setConfirm(null);
    await qc.invalidateQueries({ queryKey: ['participant', participant.id] });
    await qc.invalidateQueries({ queryKey: ['participants'] });
  };
  const withdraw = useMutation({
    mutationFn: (v: WithdrawForm) =>
      call(
        api.POST('/participants/{id}/withdraw', {
          params: { path: { id: participant.id } },
          body: {
            destroySamples: v.destroySamples,
            initiatedBy: v.initiatedBy,
            ...(v.reason ? { reason: v.reason } : {}),
          },
        }),
      ),
    onSuccess: done,
  });
  const confirmDestruction = useMutation({
    mutationFn: () =>
      call(
        api.POST('/participants/{id}/sample-destruction/confirm', {
          params: { path: { id: participant.id } },
          body: note ? { note } : {},
        }),
      ),
    onSuccess: done,
  });
  const sd = participant.sampleDestruction;
  return (
    <section aria-labelledby="withdraw-h">
      <h2 id="withdraw-h">Withdrawal</h2>
      {participant.withdrawal && (
        <div className="alert info">
          Withdrawn {formatInstant(participant.withdrawal.withdrawnAt, zone)} (from “
          {STATUS_LABELS[participant.withdrawal.withdrawnFrom]}”, initiated by the{' '}
          {participant.withdrawal.initiatedBy})
          {participant.withdrawal.reason ? `: ${participant.withdrawal.reason}` : ''}. Data
          collected so far are kept.
        </div>
      )}
      {sd && (
        <div className={`alert ${sd.open ? 'warn' : 'ok'}`}>
          Destruction of body material requested {formatInstant(sd.requestedAt, zone)}.{' '}
          {sd.open
            ? 'Not yet confirmed.'
            : `Confirmed ${formatInstant(sd.confirmedAt, zone)}${sd.confirmationNote ? `: ${sd.confirmationNote}` : ''}.`}
          {sd.open && hasRole('coordinator', 'investigator', 'site_staff') && (
            <div className="row" style={{ marginTop: '0.5rem' }}>
              <Field label="Where and by whom the material was destroyed">
                {(c) => <input {...c} value={note} onChange={(e) => setNote(e.target.value)} />}
              </Field>
              <div className="field">
                <button
                  type="button"
                  onClick={() => confirmDestruction.mutate()}
                  disabled={confirmDestruction.isPending}
                >
                  Confirm destruction
                </button>
              </div>
            </div>
          )}
          <ErrorBox error={confirmDestruction.error} />
        </div>
      )}
      {!TERMINAL.includes(participant.status) && hasRole('coordinator', 'investigator') && (
        <form onSubmit={handleSubmit((v) => setConfirm(v))} noValidate className="panel">
          <p className="small">
            A participant may withdraw at any time without giving a reason. They return to usual
            care; data collected so far are kept.
          </p>
          <div className="row">
            <Field label="Reason (optional)">
              {(c) => <input {...c} {...register('reason')} />}
            </Field>
            <Field label="Initiated by">
              {(c) => (
                <select {...c} {...register('initiatedBy')}>
                  <option value="participant">The participant</option>
                  <option value="investigator">The investigator</option>
                  <option value="sponsor">The sponsor</option>
                </select>
              )}
            </Field>
          </div>
          <label>
            <input type="checkbox" {...register('destroySamples')} /> The participant asks for
            collected body material to be destroyed
          </label>
          <div style={{ marginTop: '0.75rem' }}>
            <button type="submit" className="danger">
              Withdraw…
            </button>
          </div>
        </form>
      )}
      <ConfirmDialog
        open={!!confirm}
        danger
        title="Withdraw this participant?"
        confirmLabel="Withdraw"
        busy={withdraw.isPending}
        onConfirm={() => confirm && withdraw.mutate(confirm)}
        onCancel={() => setConfirm(null)}
      >
        <p>
          {participant.studyId ?? 'This candidate'} leaves the study. This cannot be undone.
          {confirm?.destroySamples ? ' The request to destroy body material is recorded.' : ''}
        </p>
        <ErrorBox error={withdraw.error} title="Not withdrawn" />
      </ConfirmDialog>
    </section>
  );
}

type ConsentCorrection = { version: string; date: string; reason: string };

/**
 * The consent recorded in the current episode: its values, a correction that starts from them and
 * sends only what changed (with the version it was based on), and its correction history.
 */
export function RecordedConsent({ participant, zone }: { participant: Participant; zone: string }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const [open, setOpen] = useState(false);
  const episode = useQuery({
    queryKey: ['participant', participant.id, 'screening', participant.screeningEpisode],
    queryFn: () =>
      call(api.GET('/participants/{id}/screening', { params: { path: { id: participant.id } } })),
    enabled: hasRole('coordinator', 'investigator', 'monitor'),
  });
  // The document describes `consent` as an untyped object (hand-typed here until it has its DTO).
  const consent = episode.data?.consent as
    { version: string; date: string; ageAtConsent: number | null } | null | undefined;
  const history = useQuery({
    queryKey: ['participant', participant.id, 'consent-history', episode.data?.version],
    queryFn: () =>
      call(
        api.GET('/participants/{id}/consent/history', { params: { path: { id: participant.id } } }),
      ) as Promise<RecordVersion[]>,
    enabled: !!consent,
  });
  const { register, handleSubmit, formState, reset } = useForm<ConsentCorrection>();
  const save = useMutation({
    mutationFn: (v: ConsentCorrection) =>
      call(
        api.PATCH('/participants/{id}/consent', {
          params: { path: { id: participant.id } },
          body: {
            ...(v.version !== consent?.version ? { version: v.version } : {}),
            ...(v.date !== consent?.date ? { date: v.date } : {}),
            reason: v.reason,
            expectedVersion: episode.data?.version,
          },
        }),
      ),
    onSuccess: async () => {
      setOpen(false);
      await qc.invalidateQueries({ queryKey: ['participant', participant.id] });
    },
  });
  if (!consent) return null;
  return (
    <section className="panel" aria-labelledby="consent-rec-h">
      <h2 id="consent-rec-h" style={{ marginTop: 0 }}>
        Informed consent
      </h2>
      <dl className="facts">
        <div>
          <dt className="label">Form version</dt>
          <dd>{consent.version}</dd>
        </div>
        <div>
          <dt className="label">Date signed</dt>
          <dd>{consent.date}</dd>
        </div>
        <div>
          <dt className="label">Age at consent</dt>
          <dd>{consent.ageAtConsent ?? '—'}</dd>
        </div>
      </dl>
      {hasRole('coordinator', 'investigator') && !open && (
        <button
          type="button"
          className="secondary"
          onClick={() => {
            reset({ version: consent.version, date: consent.date, reason: '' });
            setOpen(true);
          }}
        >
          Correct the recorded consent
        </button>
      )}
      {open && (
        <form onSubmit={handleSubmit((v) => save.mutate(v))} noValidate>
          <div className="row">
            <Field label="Consent form version" error={formState.errors.version?.message}>
              {(c) => <input {...c} {...register('version', { required: 'Enter the version' })} />}
            </Field>
            <Field label="Date signed" error={formState.errors.date?.message}>
              {(c) => (
                <input {...c} type="date" {...register('date', { required: 'Enter the date' })} />
              )}
            </Field>
          </div>
          <Field label="Reason for the correction" error={formState.errors.reason?.message}>
            {(c) => <input {...c} {...register('reason', { required: 'Give the reason' })} />}
          </Field>
          <div className="row">
            <button type="submit" disabled={save.isPending}>
              Save correction
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
          <ErrorBox error={save.error} title="The consent was not corrected" />
        </form>
      )}
      <CorrectionHistory
        title="Consent: correction history"
        versions={history.data ?? []}
        zone={zone}
      />
    </section>
  );
}

type ReconsentForm = { date: string };

/**
 * Re-consent after a protocol amendment: shown when the trial's current consent version is not the
 * one this participant last signed (the pending list on the worklist says the same).
 */
export function Reconsent({ participant, zone }: { participant: Participant; zone: string }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const pending = useQuery({
    queryKey: ['reconsent', 'pending', participant.siteId],
    queryFn: () =>
      call(api.GET('/reconsent/pending', { params: { query: { siteId: participant.siteId } } })),
    enabled: hasRole('coordinator', 'investigator', 'monitor'),
  });
  const { register, handleSubmit, formState, setError } = useForm<ReconsentForm>({
    defaultValues: { date: todayIn(zone) },
  });
  const version = pending.data?.currentVersion ?? null;
  const mine = pending.data?.items.find((i) => i.participantId === participant.id);
  const save = useMutation({
    mutationFn: (v: ReconsentForm) =>
      call(
        api.POST('/participants/{id}/reconsent', {
          params: { path: { id: participant.id } },
          body: { version: version ?? '', date: v.date },
        }),
      ),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['reconsent'] });
      await qc.invalidateQueries({ queryKey: ['participant', participant.id] });
    },
    onError: (e) => {
      applyServerErrors<ReconsentForm>(e, setError, ['date']);
    },
  });
  if (!version || !mine) return null;
  return (
    <section className="panel" aria-labelledby="reconsent-h">
      <h2 id="reconsent-h" style={{ marginTop: 0 }}>
        Re-consent pending
      </h2>
      <p>
        The protocol was amended{pending.data?.amendment ? ` (${pending.data.amendment})` : ''}: the
        participant signed version {mine.consentedVersion} on {mine.consentedOn} and must consent to
        version {version}.
      </p>
      {hasRole('coordinator', 'investigator') && (
        <form onSubmit={handleSubmit((v) => save.mutate(v))} noValidate className="row">
          <Field
            label={`Date version ${version} was signed`}
            error={formState.errors.date?.message}
          >
            {(c) => (
              <input
                {...c}
                type="date"
                max={todayIn(zone)}
                {...register('date', { required: 'Enter the date' })}
              />
            )}
          </Field>
          <div className="field">
            <button type="submit" disabled={save.isPending}>
              Record re-consent
            </button>
          </div>
        </form>
      )}
      <ErrorBox error={save.error} title="The re-consent was not recorded" />
    </section>
  );
}
