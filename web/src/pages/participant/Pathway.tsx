import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { api, call } from '../../api/client';
import type { Participant } from '../../api/client';
import { useSession } from '../../auth/session';
import { CorrectionHistory, type RecordVersion } from '../../components/History';
import { ConfirmDialog, ErrorBox, Field, QueryView } from '../../components/ui';
import { humanise, STATUS_LABELS, STEP_ACTIONS } from '../../lib/labels';
import { useStaffNames } from '../../lib/reference';
import { formatInstant, todayIn } from '../../lib/time';

/** The pathway steps a coordinator records (phone check, records, screening visit). */
export function PathwaySteps({ participant }: { participant: Participant }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const [reason, setReason] = useState('');
  const step = useMutation({
    mutationFn: (to: Participant['status']) =>
      call(
        api.POST('/participants/{id}/transitions', {
          params: { path: { id: participant.id } },
          body: { to, ...(reason ? { reason } : {}) },
        }),
      ),
    onSuccess: async (p) => {
      setReason('');
      qc.setQueryData(['participant', participant.id], p);
      await qc.invalidateQueries({ queryKey: ['participant', participant.id] });
      await qc.invalidateQueries({ queryKey: ['participants'] });
    },
  });
  const steps = participant.nextSteps.filter((s) => STEP_ACTIONS[s]);
  if (!hasRole('coordinator', 'investigator') || steps.length === 0) return null;
  return (
    <div className="panel">
      <h2 style={{ marginTop: 0 }}>Next step</h2>
      <div className="row">
        {steps.map((s) => (
          <div className="field" key={s}>
            <button type="button" onClick={() => step.mutate(s)} disabled={step.isPending}>
              {STEP_ACTIONS[s]}
            </button>
          </div>
        ))}
        <Field label="Note (optional)">
          {(c) => <input {...c} value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
      </div>
      <ErrorBox error={step.error} title="The step was not recorded" />
    </div>
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
                <strong>{STATUS_LABELS[h.to]}</strong>{' '}
                <span className="muted">({humanise(h.kind)})</span>
                <div className="small">
                  {formatInstant(h.at, zone)} by{' '}
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
