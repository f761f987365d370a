import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type UseFormRegisterReturn, useForm } from 'react-hook-form';
import { api, ApiError, call } from '../api/client';
import type { Schemas } from '../api/client';
import { CorrectionHistory } from './History';
import { ErrorBox, Field } from './ui';
import {
  diffRecord,
  type FieldChange,
  type GroupSpec,
  type JsonRecord,
  patchFromChanges,
} from '../lib/corrections';
import { applyServerErrors } from '../lib/forms';
import { todayIn } from '../lib/time';
import {
  AE_CAUSALITY_CODES,
  AE_EXPECTEDNESS_CODES,
  AE_INTERVENTION_CODES,
  AE_OUTCOME_CODES,
  AE_SEVERITY_CODES,
  EXPECTEDNESS_ASSESSOR_CODES,
  SERIOUSNESS_CRITERION_CODES,
} from '../../../src/common/fields/items';

/**
 * The correction of a recorded adverse event (PATCH /follow-up/adverse-events/:id), the same on
 * the visit page (an event found at a visit) and on the participant's page (every event, also one
 * reported between visits): it starts from the recorded values, sends only the changed fields
 * with a reason and the version it was opened at (409 STALE_VERSION if it changed meanwhile), and
 * marks the fields a data query is on (inside <QueryMarks>). The correction of a queried field is
 * linked to its query by the API. Offered to the roles that may correct (site staff, investigator,
 * coordinator); never rendered for a blinded assessor (the callers leave adverse events out).
 */

type AdverseEvent = Schemas['AdverseEventResponseDto'];

/** The 409 of a correction based on stale values: what changed meanwhile. */
export function StaleNotice({ error }: { error: unknown }) {
  if (!(error instanceof ApiError) || error.code !== 'STALE_VERSION') return null;
  const changes = (error.paramsOf('STALE_VERSION').changedSince ?? []) as FieldChange[];
  return (
    <div className="alert warn" role="alert">
      Someone changed this record while you were editing; nothing was saved. Changed meanwhile:
      <ul>
        {changes.map((c) => (
          <li key={c.path}>
            <code>{c.path}</code>: {JSON.stringify(c.before)} → {JSON.stringify(c.after)}
          </li>
        ))}
      </ul>
      Reload the page to see the current values, then correct again.
    </div>
  );
}

const GROUPS: GroupSpec[] = [{ path: 'assessments', key: 'intervention', generated: false }];
const FIELDS = [
  'term',
  'meddraCode',
  'onsetDate',
  'endDate',
  'awareDate',
  'severity',
  'ctcaeGrade',
  'serious',
  'seriousnessCriteria',
  'outcome',
  'reason',
] as const;

const label = (list: readonly { value: string; label: string }[], value: string | null) =>
  list.find((c) => c.value === value)?.label ?? value ?? '—';

type AssessmentForm = {
  intervention: string;
  causality: string;
  expectedness: string;
  expectednessBy: string;
  rsiVersion: string;
};
type CorrectionForm = {
  term: string;
  meddraCode: string;
  onsetDate: string;
  endDate: string;
  awareDate: string;
  severity: string;
  ctcaeGrade: string;
  serious: boolean;
  seriousnessCriteria: string[];
  outcome: string;
  assessments: AssessmentForm[];
  reason: string;
};

const defaultsOf = (ae: AdverseEvent): CorrectionForm => ({
  term: ae.term,
  meddraCode: ae.meddraCode ?? '',
  onsetDate: ae.onsetDate,
  endDate: ae.endDate ?? '',
  awareDate: ae.awareDate ?? '',
  severity: ae.severity,
  ctcaeGrade: ae.ctcaeGrade ? String(ae.ctcaeGrade) : '',
  serious: ae.serious,
  seriousnessCriteria: ae.seriousnessCriteria ?? [],
  outcome: ae.outcome,
  assessments: ae.assessments.map((a) => ({
    intervention: a.intervention,
    causality: a.causality,
    expectedness: a.expectedness ?? '',
    expectednessBy: a.expectednessBy ?? '',
    rsiVersion: a.rsiVersion ?? '',
  })),
  reason: '',
});

/** The form's values as the API's record (empty = null), to compare with the recorded one. */
const recordOf = (v: CorrectionForm): JsonRecord => ({
  term: v.term,
  meddraCode: v.meddraCode || null,
  onsetDate: v.onsetDate,
  endDate: v.endDate || null,
  awareDate: v.awareDate || null,
  severity: v.severity,
  ctcaeGrade: v.ctcaeGrade ? Number(v.ctcaeGrade) : null,
  serious: v.serious,
  seriousnessCriteria: v.serious ? v.seriousnessCriteria : [],
  outcome: v.outcome,
  assessments: v.assessments.map((a) => ({
    intervention: a.intervention,
    causality: a.causality,
    expectedness: a.expectedness || null,
    expectednessBy: a.expectedness ? a.expectednessBy || 'investigator' : null,
    rsiVersion: a.rsiVersion || null,
  })),
});

/** The patch of a correction: only the changed fields (a cleared one as null; an assessment by its intervention). */
const correctionPatch = (ae: AdverseEvent, v: CorrectionForm): JsonRecord =>
  patchFromChanges(diffRecord(recordOf(defaultsOf(ae)), recordOf(v), GROUPS), GROUPS);

/** "Correct" and its form for one adverse event, with its correction history. */
export function CorrectAdverseEvent({ ae, zone }: { ae: AdverseEvent; zone: string }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [leftover, setLeftover] = useState<string[]>([]);
  const { register, handleSubmit, reset, watch, setError, formState } = useForm<CorrectionForm>({
    defaultValues: defaultsOf(ae),
  });
  const history = useQuery({
    queryKey: ['adverse-event', ae.id, 'history', ae.version],
    enabled: open,
    queryFn: () =>
      call(api.GET('/follow-up/adverse-events/{id}/history', { params: { path: { id: ae.id } } })),
  });
  const save = useMutation({
    mutationFn: (v: CorrectionForm) =>
      call(
        api.PATCH('/follow-up/adverse-events/{id}', {
          params: { path: { id: ae.id } },
          body: {
            ...correctionPatch(ae, v),
            reason: v.reason,
            expectedVersion: ae.version,
          } as never,
        }),
      ),
    onMutate: () => setLeftover([]),
    onSuccess: async () => {
      setOpen(false);
      await qc.invalidateQueries({ queryKey: ['participant', ae.participantId] });
      if (ae.visitId) await qc.invalidateQueries({ queryKey: ['visit', ae.visitId] });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'STALE_VERSION') return;
      setLeftover(applyServerErrors(e, setError, FIELDS, 'adverseEvent.'));
    },
  });
  const name = `Correct adverse event ${ae.term}`;
  if (!open)
    return (
      <button
        type="button"
        className="secondary"
        onClick={() => (reset(defaultsOf(ae)), setLeftover([]), save.reset(), setOpen(true))}
        aria-label={name}
      >
        Correct
      </button>
    );
  const e = formState.errors;
  const today = todayIn(zone);
  const assessments = watch('assessments');
  return (
    <form
      onSubmit={handleSubmit((v) => save.mutate(v))}
      noValidate
      className="panel"
      aria-label={name}
    >
      <div className="grid">
        <Field label="Term (no personal data)" error={e.term?.message} mark="term">
          {(c) => <input {...c} {...register('term', { required: 'Enter the term' })} />}
        </Field>
        <Field
          label="MedDRA code (LLT or PT, 8 digits, optional)"
          error={e.meddraCode?.message}
          mark="meddraCode"
        >
          {(c) => <input {...c} inputMode="numeric" maxLength={8} {...register('meddraCode')} />}
        </Field>
        <Field label="Onset" error={e.onsetDate?.message} mark="onsetDate">
          {(c) => (
            <input
              {...c}
              type="date"
              max={today}
              {...register('onsetDate', { required: 'Enter the onset date' })}
            />
          )}
        </Field>
        <Field label="End (empty = ongoing)" error={e.endDate?.message} mark="endDate">
          {(c) => <input {...c} type="date" max={today} {...register('endDate')} />}
        </Field>
        <Field
          label="Date the site became aware"
          hint="Day 0 of the 24-hour SAE and the SUSAR clocks"
          error={e.awareDate?.message}
          mark="awareDate"
        >
          {(c) => <input {...c} type="date" max={today} {...register('awareDate')} />}
        </Field>
        <Field label="Severity" error={e.severity?.message} mark="severity">
          {(c) => (
            <select {...c} {...register('severity')}>
              {AE_SEVERITY_CODES.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="CTCAE grade" error={e.ctcaeGrade?.message} mark="ctcaeGrade">
          {(c) => (
            <select {...c} {...register('ctcaeGrade')}>
              <option value="">—</option>
              {[1, 2, 3, 4, 5].map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Outcome" error={e.outcome?.message} mark="outcome">
          {(c) => (
            <select {...c} {...register('outcome')}>
              {AE_OUTCOME_CODES.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Serious" error={e.serious?.message} mark="serious">
          {(c) => <input {...c} type="checkbox" {...register('serious')} />}
        </Field>
      </div>
      {watch('serious') && (
        <SeriousnessCriteria
          input={register('seriousnessCriteria')}
          error={e.seriousnessCriteria?.message}
        />
      )}
      {assessments.length > 0 && (
        <fieldset>
          <legend>Causality and expectedness per intervention</legend>
          {assessments.map((a, i) => (
            <div
              key={a.intervention}
              className="row"
              role="group"
              aria-label={label(AE_INTERVENTION_CODES, a.intervention)}
            >
              <strong>{label(AE_INTERVENTION_CODES, a.intervention)}</strong>
              <Field label="Causality" mark={`assessments[${a.intervention}].causality`}>
                {(c) => (
                  <select {...c} {...register(`assessments.${i}.causality`)}>
                    {AE_CAUSALITY_CODES.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field
                label="Expectedness (RSI)"
                hint={a.rsiVersion ? `Judged against RSI ${a.rsiVersion}` : undefined}
                mark={`assessments[${a.intervention}].expectedness`}
              >
                {(c) => (
                  <select {...c} {...register(`assessments.${i}.expectedness`)}>
                    <option value="">Not assessed</option>
                    {AE_EXPECTEDNESS_CODES.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="Assessed by" mark={`assessments[${a.intervention}].expectednessBy`}>
                {(c) => (
                  <select {...c} {...register(`assessments.${i}.expectednessBy`)}>
                    <option value="">—</option>
                    {EXPECTEDNESS_ASSESSOR_CODES.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
          ))}
        </fieldset>
      )}
      <Field label="Reason for the correction" error={e.reason?.message}>
        {(c) => (
          <input
            {...c}
            {...register('reason', { required: 'Give the reason for the correction' })}
          />
        )}
      </Field>
      <StaleNotice error={save.error} />
      {leftover.length > 0 && <ErrorBox error={new Error(leftover.join('; '))} title="Not saved" />}
      <button type="submit" disabled={save.isPending}>
        Save correction
      </button>{' '}
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        Cancel
      </button>
      <CorrectionHistory
        title={`Adverse event ${ae.term}: history`}
        versions={history.data ?? []}
        zone={zone}
      />
    </form>
  );
}

/** The seriousness criteria of a serious adverse event: one checkbox per code (report and correction). */
export function SeriousnessCriteria({
  input,
  error,
}: {
  input: UseFormRegisterReturn;
  error?: string;
}) {
  return (
    <fieldset>
      <legend>Seriousness criteria</legend>
      <div className="choices">
        {SERIOUSNESS_CRITERION_CODES.map((x) => (
          <label key={x.value}>
            <input type="checkbox" value={x.value} {...input} /> {x.label}
          </label>
        ))}
      </div>
      {error && <div className="error">{error}</div>}
    </fieldset>
  );
}
