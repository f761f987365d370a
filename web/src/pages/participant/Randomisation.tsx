import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import type { Allocation, Participant } from '../../api/client';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];
import { useSession } from '../../auth/session';
import { CorrectionHistory } from '../../components/History';
import { ConfirmDialog, ErrorBox, Field, QueryView, Tag } from '../../components/ui';
import { applyServerErrors } from '../../lib/forms';
import { DRUG_LABELS } from '../../lib/labels';
import { formatDate, formatInstant, todayIn } from '../../lib/time';
import { fieldItem } from '../../../../src/common/fields/registry';

/** The arm-B drugs the API accepts (ArmBDrugDto). */
const ARM_B_DRUGS = ['alemtuzumab', 'cladribine', 'ocrelizumab', 'ofatumumab'] as const;

const AFTER_RANDOMISATION = [
  'randomised',
  'in_follow_up',
  'completed',
  'lost_to_follow_up',
  'died',
];

/** Whether the participant has an allocation (also after a withdrawal that followed it). */
export function wasRandomised(p: Participant): boolean {
  return (
    AFTER_RANDOMISATION.includes(p.status) ||
    (p.status === 'withdrawn' && AFTER_RANDOMISATION.includes(p.withdrawal?.withdrawnFrom ?? ''))
  );
}

function newKey(): string {
  return crypto.randomUUID();
}

/** The allocation as the investigator sees it after randomising. */
export function AllocationCard({ allocation, zone }: { allocation: Allocation; zone: string }) {
  return (
    <div className="panel" aria-live="polite">
      <h3>Allocation</h3>
      <p style={{ fontSize: '1.3rem' }}>
        Arm <strong>{allocation.arm}</strong>: <strong>{allocation.armLabel}</strong>
      </p>
      <dl className="grid small">
        <div>
          <dt className="label">Randomised</dt>
          <dd>{formatInstant(allocation.randomisedAt, zone)}</dd>
        </div>
        <div>
          <dt className="label">
            {allocation.sequenceNumber === undefined ? 'Stratum' : 'Stratum and sequence number'}
          </dt>
          <dd>
            {allocation.stratumKey}
            {allocation.sequenceNumber !== undefined && ` #${allocation.sequenceNumber}`}
          </dd>
        </div>
        <div>
          <dt className="label">Criteria set</dt>
          <dd>{allocation.criteriaSetId}</dd>
        </div>
        {allocation.armBDrug && (
          <div>
            <dt className="label">Arm-B drug</dt>
            <dd>
              {DRUG_LABELS[allocation.armBDrug] ?? allocation.armBDrug} from{' '}
              {formatDate(allocation.armBStartDate)}
            </dd>
          </div>
        )}
      </dl>
    </div>
  );
}

/** Readiness check, the randomise action (with a confirmation), then the allocation. */
export function Randomisation({ participant, zone }: { participant: Participant; zone: string }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const isInvestigator = hasRole('investigator');
  const randomised = wasRandomised(participant);
  const [confirming, setConfirming] = useState(false);
  const [key, setKey] = useState(newKey);

  const readiness = useQuery({
    queryKey: ['participant', participant.id, 'readiness'],
    queryFn: () =>
      call(
        api.GET('/participants/{id}/randomization/readiness', {
          params: { path: { id: participant.id } },
        }),
      ),
    enabled: participant.status === 'consented' && hasRole('investigator', 'coordinator'),
  });
  const capacity = useQuery({
    queryKey: ['site-readiness', participant.siteId],
    queryFn: () =>
      call(
        api.GET('/scheduling/sites/{siteId}/readiness', {
          params: { path: { siteId: participant.siteId } },
        }),
      ),
    enabled: participant.status === 'consented' && hasRole('investigator', 'coordinator'),
  });
  const allocation = useQuery({
    queryKey: ['participant', participant.id, 'allocation'],
    queryFn: () =>
      call(
        api.GET('/participants/{id}/randomization', { params: { path: { id: participant.id } } }),
      ),
    enabled:
      randomised && hasRole('investigator', 'coordinator', 'site_staff', 'statistician', 'monitor'),
    retry: false,
  });
  const randomise = useMutation({
    mutationFn: () =>
      call(
        api.POST('/participants/{id}/randomization', {
          params: { path: { id: participant.id }, header: { 'Idempotency-Key': key } },
        }),
      ),
    onSuccess: async (a) => {
      setConfirming(false);
      qc.setQueryData(['participant', participant.id, 'allocation'], a);
      await qc.invalidateQueries({ queryKey: ['participant', participant.id] });
      await qc.invalidateQueries({ queryKey: ['allocations'] });
    },
  });

  if (participant.status !== 'consented' && !randomised) return null;
  return (
    <section aria-labelledby="rand-h">
      <h2 id="rand-h">Randomisation</h2>
      {participant.status === 'consented' && (
        <>
          <QueryView query={readiness} what="the readiness check">
            {(r) =>
              r.ready ? (
                <div className="alert ok">
                  Ready to randomise: eligibility is signed, consent is recorded and randomisation
                  is live.
                </div>
              ) : (
                <div className="alert warn">
                  <strong>Not ready to randomise:</strong>
                  <ul>
                    {r.reasons.map((x) => (
                      <li key={x.code}>{x.message}</li>
                    ))}
                  </ul>
                </div>
              )
            }
          </QueryView>
          {capacity.data?.warning && (
            <div className="alert warn">
              <strong>Capacity:</strong> {capacity.data.warning}
            </div>
          )}
          {isInvestigator ? (
            <button
              type="button"
              onClick={() => {
                setKey(newKey());
                setConfirming(true);
              }}
              disabled={!readiness.data?.ready}
            >
              Randomise
            </button>
          ) : (
            <p className="muted">An investigator of the site randomises.</p>
          )}
          <ConfirmDialog
            open={confirming}
            title="Randomise this participant?"
            confirmLabel="Yes, randomise now"
            busy={randomise.isPending}
            onConfirm={() => randomise.mutate()}
            onCancel={() => setConfirming(false)}
          >
            <p>
              The allocation is final: it cannot be undone or repeated. Randomise{' '}
              <strong>{participant.studyId}</strong> now?
            </p>
            <ErrorBox error={randomise.error} title="Not randomised" />
          </ConfirmDialog>
        </>
      )}
      {randomise.data && participant.status === 'consented' && (
        <AllocationCard allocation={randomise.data} zone={zone} />
      )}
      {randomised && allocation.data && (
        <>
          <AllocationCard allocation={allocation.data} zone={zone} />
          {allocation.data.arm === 'B' && isInvestigator && (
            <ArmBDrug participantId={participant.id} allocation={allocation.data} zone={zone} />
          )}
          {allocation.data.arm === 'A' && (
            <p>
              Arm A is scheduled at the transplant centre:{' '}
              <Link to="/transplant">see the transplant centre page</Link>.
            </p>
          )}
          {hasRole('investigator', 'coordinator') && (
            <Discontinuation
              participantId={participant.id}
              allocation={allocation.data}
              zone={zone}
              canUndo={isInvestigator}
            />
          )}
        </>
      )}
      {randomised && allocation.isError && (
        <ErrorBox error={allocation.error} title="Could not load the allocation" />
      )}
    </section>
  );
}

type DrugForm = { drug: string; startDate: string; reason: string };

/** After allocation to B: the drug chosen with the participant (ram-ms.md §3). */
export function ArmBDrug({
  participantId,
  allocation,
  zone,
}: {
  participantId: string;
  allocation: Allocation;
  zone: string;
}) {
  const qc = useQueryClient();
  const [left, setLeft] = useState<string[]>([]);
  const { register, handleSubmit, formState, setError } = useForm<DrugForm>({
    defaultValues: {
      drug: allocation.armBDrug ?? '',
      startDate: allocation.armBStartDate ?? todayIn(zone),
      reason: '',
    },
  });
  const history = useQuery({
    queryKey: ['participant', participantId, 'arm-b-history', allocation.armBVersion],
    enabled: allocation.armBDrug !== null,
    queryFn: () =>
      call(
        api.GET('/participants/{id}/arm-b-drug/history', {
          params: { path: { id: participantId } },
        }),
      ),
  });
  const save = useMutation({
    mutationFn: (v: DrugForm) =>
      call(
        api.PUT('/participants/{id}/arm-b-drug', {
          params: { path: { id: participantId } },
          // A change sends only what changed, with the version it was based on.
          body: allocation.armBDrug
            ? {
                ...(v.drug !== allocation.armBDrug
                  ? { drug: v.drug as (typeof ARM_B_DRUGS)[number] }
                  : {}),
                ...(v.startDate !== allocation.armBStartDate ? { startDate: v.startDate } : {}),
                ...(v.reason ? { reason: v.reason } : {}),
                ...(allocation.armBVersion !== null
                  ? { expectedVersion: allocation.armBVersion }
                  : {}),
              }
            : {
                drug: v.drug as (typeof ARM_B_DRUGS)[number],
                startDate: v.startDate,
                ...(v.reason ? { reason: v.reason } : {}),
              },
        }),
      ),
    onSuccess: async (a) => {
      qc.setQueryData(['participant', participantId, 'allocation'], a);
      await qc.invalidateQueries({ queryKey: ['allocations'] });
    },
    onError: (e) =>
      setLeft(applyServerErrors<DrugForm>(e, setError, ['drug', 'startDate', 'reason'])),
  });
  return (
    <form
      className="panel"
      onSubmit={handleSubmit((v) => (setLeft([]), save.mutate(v)))}
      noValidate
      aria-label="Arm-B drug"
    >
      <h3>Arm-B drug {allocation.armBDrug && <Tag tone="ok">chosen</Tag>}</h3>
      <div className="row">
        <Field label="Drug, chosen with the participant" error={formState.errors.drug?.message}>
          {(c) => (
            <select {...c} {...register('drug', { required: 'Choose the drug' })}>
              <option value="">Choose…</option>
              {ARM_B_DRUGS.map((d) => (
                <option key={d} value={d}>
                  {DRUG_LABELS[d]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Start date" error={formState.errors.startDate?.message}>
          {(c) => (
            <input
              {...c}
              type="date"
              {...register('startDate', { required: 'Enter the start date' })}
            />
          )}
        </Field>
        {allocation.armBDrug && (
          <Field label="Reason for changing the choice" error={formState.errors.reason?.message}>
            {(c) => <input {...c} {...register('reason')} />}
          </Field>
        )}
        <div className="field">
          <button type="submit" disabled={save.isPending}>
            Save drug choice
          </button>
        </div>
      </div>
      {left.length > 0 && <ErrorBox error={new Error(left.join('; '))} title="Not saved" />}
      {save.isSuccess && (
        <div className="alert ok" role="status">
          Drug choice saved.
        </div>
      )}
      <CorrectionHistory title="Arm-B drug: history" versions={history.data ?? []} zone={zone} />
    </form>
  );
}

/** The coded reasons for stopping the allocated intervention (field registry). */
const DISCONTINUATION_REASONS = fieldItem('intervention.discontinuationReason').codes ?? [];
const reasonLabel = (code: string) =>
  DISCONTINUATION_REASONS.find((c) => c.value === code)?.label ?? code;

type DiscontinueForm = { date: string; reasonCode: string; note: string };

/**
 * Off treatment is not off study: records that the allocated intervention was stopped (arm-B drug
 * stopped, transplant not done), or undoes a record made in error. Follow-up continues.
 */
export function Discontinuation({
  participantId,
  allocation,
  zone,
  canUndo,
}: {
  participantId: string;
  allocation: Allocation;
  zone: string;
  canUndo: boolean;
}) {
  const qc = useQueryClient();
  const [left, setLeft] = useState<string[]>([]);
  const [undoReason, setUndoReason] = useState('');
  const { register, handleSubmit, formState, setError } = useForm<DiscontinueForm>({
    defaultValues: { date: todayIn(zone), reasonCode: '', note: '' },
  });
  const done = async (a: Allocation) => {
    qc.setQueryData(['participant', participantId, 'allocation'], a);
    await qc.invalidateQueries({ queryKey: ['allocations'] });
    await qc.invalidateQueries({ queryKey: ['centre'] });
  };
  const record = useMutation({
    mutationFn: (v: DiscontinueForm) =>
      call(
        api.POST('/participants/{id}/intervention/discontinuation', {
          params: { path: { id: participantId } },
          body: {
            date: v.date,
            reasonCode: v.reasonCode as Schemas['DiscontinueInterventionDto']['reasonCode'],
            ...(v.note ? { note: v.note } : {}),
          },
        }),
      ),
    onSuccess: done,
    onError: (e) =>
      setLeft(applyServerErrors<DiscontinueForm>(e, setError, ['date', 'reasonCode', 'note'])),
  });
  const undo = useMutation({
    mutationFn: () =>
      call(
        api.POST('/participants/{id}/intervention/discontinuation/undo', {
          params: { path: { id: participantId } },
          body: { reason: undoReason },
        }),
      ),
    onSuccess: done,
  });
  const d = allocation.discontinuation;
  if (d) {
    return (
      <div className="panel" aria-label="Discontinuation of the allocated intervention">
        <h3>
          Allocated intervention <Tag tone="warn">discontinued</Tag>
        </h3>
        <p>
          Stopped on <strong>{formatDate(d.date)}</strong>: {reasonLabel(d.reasonCode)}
          {d.note ? ` (${d.note})` : ''}. The participant stays in follow-up (intention to treat).
          {allocation.arm === 'A' && ' The transplant place was given to the next participant.'}
        </p>
        {canUndo && (
          <div className="row">
            <label className="field">
              <span className="label">Reason for undoing (recorded in error)</span>
              <input value={undoReason} onChange={(e) => setUndoReason(e.target.value)} />
            </label>
            <div className="field">
              <button
                type="button"
                disabled={!undoReason.trim() || undo.isPending}
                onClick={() => undo.mutate()}
              >
                Undo discontinuation
              </button>
            </div>
          </div>
        )}
        <ErrorBox error={undo.error} title="Not undone" />
      </div>
    );
  }
  return (
    <form
      className="panel"
      onSubmit={handleSubmit((v) => (setLeft([]), record.mutate(v)))}
      noValidate
      aria-label="Discontinue the allocated intervention"
    >
      <h3>Discontinue the allocated intervention</h3>
      <p className="muted">
        Not a withdrawal: the visit schedule stays and the participant is analysed in the allocated
        arm.
        {allocation.arm === 'A' &&
          ' The transplant booking ends and its place goes to the next one.'}
      </p>
      <div className="row">
        <Field label="Stopped on" error={formState.errors.date?.message}>
          {(c) => (
            <input {...c} type="date" {...register('date', { required: 'Enter the date' })} />
          )}
        </Field>
        <Field label="Reason" error={formState.errors.reasonCode?.message}>
          {(c) => (
            <select {...c} {...register('reasonCode', { required: 'Choose the reason' })}>
              <option value="">Choose…</option>
              {DISCONTINUATION_REASONS.filter((r) => allocation.arm === 'A' || !r.revealsArm).map(
                (r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ),
              )}
            </select>
          )}
        </Field>
        <Field label="Details" error={formState.errors.note?.message}>
          {(c) => <input {...c} {...register('note')} />}
        </Field>
        <div className="field">
          <button type="submit" disabled={record.isPending}>
            Record discontinuation
          </button>
        </div>
      </div>
      {left.length > 0 && <ErrorBox error={new Error(left.join('; '))} title="Not recorded" />}
    </form>
  );
}
