import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useFieldArray, useForm } from 'react-hook-form';
import { Link, useParams } from 'react-router';
import { api, callAs } from '../api/client';
import type { Visit, VisitDetail } from '../api/types';
import { useSession } from '../auth/session';
import { ErrorBox, Field, QueryView, Tag } from '../components/ui';
import { applyServerErrors } from '../lib/forms';
import { humanise } from '../lib/labels';
import { useZone } from '../lib/reference';
import { formatDate, todayIn } from '../lib/time';

const EDSS_STEPS = Array.from({ length: 21 }, (_, i) => (i / 2).toFixed(1));
const SAMPLES = ['bloods', 'biobank', 'urine', 'csf', 'other'];
const QUESTIONNAIRES = ['msis29', 'eq5d', 'sf36', 'fatigue', 'health_economics', 'other'];
const SERIOUSNESS = ['death', 'life_threatening', 'hospitalisation', 'disability', 'congenital_anomaly', 'other_medically_important'];
const OUTCOMES = ['recovered', 'recovering', 'not_recovered', 'recovered_with_sequelae', 'fatal', 'unknown'];

export function VisitPage() {
  const { visitId = '' } = useParams();
  const { hasRole } = useSession();
  const query = useQuery({
    queryKey: ['visit', visitId],
    queryFn: () => callAs<VisitDetail>(api.GET('/follow-up/visits/{visitId}', { params: { path: { visitId } } })),
  });
  const assessor = hasRole('blinded_assessor');
  const siteWriter = hasRole('site_staff', 'investigator', 'coordinator');
  return (
    <QueryView query={query} what="the visit">
      {(d) => (
        <>
          <VisitHeader visit={d.visit} />
          {d.deviation && (
            <div className="alert warn">
              Protocol deviation: logged {String(d.deviation.daysOutside ?? '')} day(s) outside the window.
            </div>
          )}
          {assessor && <AssessorForm visit={d.visit} />}
          {siteWriter && !assessor && <LogVisitForm visit={d.visit} />}
          {!assessor && d.adverseEvents.length > 0 && (
            <section>
              <h2>Adverse events at this visit</h2>
              <ul>
                {d.adverseEvents.map((ae) => (
                  <li key={String(ae.id)}>
                    {String(ae.term)} ({String(ae.severity)}){ae.serious ? ' · serious' : ''}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </QueryView>
  );
}

function VisitHeader({ visit }: { visit: Visit }) {
  return (
    <>
      <h1>
        Visit {visit.code}: {visit.label}
      </h1>
      <p>
        Participant <Link to={`/participants/${visit.participantId}`}>{visit.studyId}</Link> · window {formatDate(visit.windowStart)} – {formatDate(visit.windowEnd)} (target{' '}
        {formatDate(visit.targetDate)}) · <Tag>{humanise(visit.status)}</Tag>
        {visit.loggedDate && <> · took place {formatDate(visit.loggedDate)}</>}
      </p>
    </>
  );
}

type AssessForm = {
  edssScore: string;
  rater: string;
  assessedOn: string;
  mriExamDate: string;
  gdLesions: string;
  newOrEnlargingT2: string;
  comparedWith: string;
  reason: string;
};

/** The blinded assessor's EDSS and MRI form: visit dates and status only, nothing about treatment. */
function AssessorForm({ visit }: { visit: Visit }) {
  const qc = useQueryClient();
  const zone = useZone(visit.siteId);
  const [left, setLeft] = useState<string[]>([]);
  const recorded = !!visit.edss || !!visit.mri;
  const { register, handleSubmit, formState, setError } = useForm<AssessForm>({
    defaultValues: {
      edssScore: visit.edss ? visit.edss.score.toFixed(1) : '',
      rater: visit.edss?.rater ?? '',
      assessedOn: visit.edss?.assessedOn ?? todayIn(zone),
      mriExamDate: visit.mri?.examDate ?? '',
      gdLesions: visit.mri ? String(visit.mri.gdLesions) : '',
      newOrEnlargingT2: visit.mri ? String(visit.mri.newOrEnlargingT2) : '',
      comparedWith: visit.mri?.comparedWith ?? '',
      reason: '',
    },
  });
  const save = useMutation({
    mutationFn: (v: AssessForm) => {
      const body = {
        ...(v.edssScore ? { edss: { score: Number(v.edssScore), rater: v.rater, assessedOn: v.assessedOn } } : {}),
        ...(v.mriExamDate
          ? { mri: { examDate: v.mriExamDate, gdLesions: Number(v.gdLesions), newOrEnlargingT2: Number(v.newOrEnlargingT2), comparedWith: v.comparedWith } }
          : {}),
      };
      const path = { params: { path: { visitId: visit.id } } };
      return recorded
        ? callAs<Visit>(api.PATCH('/follow-up/visits/{visitId}/assessment', { ...path, body: { ...body, reason: v.reason } as never }))
        : callAs<Visit>(api.POST('/follow-up/visits/{visitId}/assessment', { ...path, body: body as never }));
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['visit', visit.id] });
    },
    onError: (e) => {
      const map: Record<string, keyof AssessForm> = {
        'edss.score': 'edssScore',
        'edss.rater': 'rater',
        'edss.assessedOn': 'assessedOn',
        'mri.examDate': 'mriExamDate',
        'mri.gdLesions': 'gdLesions',
        'mri.newOrEnlargingT2': 'newOrEnlargingT2',
        'mri.comparedWith': 'comparedWith',
        reason: 'reason',
      };
      setLeft(applyServerErrors<AssessForm>(e, (n, err, o) => setError(map[n as string] ?? (n as keyof AssessForm), err, o), Object.keys(map)));
    },
  });
  const e = formState.errors;
  return (
    <form onSubmit={handleSubmit((v) => (setLeft([]), save.mutate(v)))} noValidate aria-labelledby="assess-h">
      <h2 id="assess-h">Blinded assessment</h2>
      {recorded && (
        <div className="alert info">
          Recorded: {visit.edss && `EDSS ${visit.edss.score.toFixed(1)} on ${formatDate(visit.edss.assessedOn)} by ${visit.edss.rater ?? '—'}`}
          {visit.edss && visit.mri && '; '}
          {visit.mri && `MRI ${formatDate(visit.mri.examDate)}: ${visit.mri.gdLesions} Gd+ and ${visit.mri.newOrEnlargingT2} new/enlarging T2 lesions`}. Saving again corrects it
          (with a reason).
        </div>
      )}
      <fieldset>
        <legend>EDSS</legend>
        <div className="grid">
          <Field label="EDSS score" hint="0 to 10 in steps of 0.5" error={e.edssScore?.message}>
            {(c) => (
              <select {...c} {...register('edssScore')}>
                <option value="">Not assessed</option>
                {EDSS_STEPS.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Rater (certified, blinded)" hint="For example your Neurostatus id or initials" error={e.rater?.message}>
            {(c) => <input {...c} {...register('rater')} />}
          </Field>
          <Field label="Examination date" error={e.assessedOn?.message}>
            {(c) => <input {...c} type="date" {...register('assessedOn')} />}
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>MRI read</legend>
        <div className="grid">
          <Field label="MRI exam date" error={e.mriExamDate?.message}>
            {(c) => <input {...c} type="date" {...register('mriExamDate')} />}
          </Field>
          <Field label="Gd-enhancing T1 lesions" error={e.gdLesions?.message}>
            {(c) => <input {...c} type="number" min={0} max={500} inputMode="numeric" {...register('gdLesions')} />}
          </Field>
          <Field label="New or enlarging T2 lesions" error={e.newOrEnlargingT2?.message}>
            {(c) => <input {...c} type="number" min={0} max={500} inputMode="numeric" {...register('newOrEnlargingT2')} />}
          </Field>
          <Field label="Compared with the exam of" error={e.comparedWith?.message}>
            {(c) => <input {...c} type="date" {...register('comparedWith')} />}
          </Field>
        </div>
      </fieldset>
      {recorded && (
        <Field label="Reason for the correction" error={e.reason?.message}>
          {(c) => <input {...c} {...register('reason', { required: 'Give the reason for the correction' })} />}
        </Field>
      )}
      {left.length > 0 && <ErrorBox error={new Error(left.join('; '))} title="Not saved" />}
      {save.isSuccess && (
        <div className="alert ok" role="status">
          Assessment saved.
        </div>
      )}
      <button type="submit" disabled={save.isPending}>
        {recorded ? 'Save correction' : 'Save assessment'}
      </button>
    </form>
  );
}

type AeRow = { term: string; onsetDate: string; endDate: string; severity: string; serious: boolean; seriousnessCriteria: string[]; outcome: string };
type LogForm = {
  visitDate: string;
  newRelapse: 'no' | 'yes';
  relapses: { onsetDate: string; steroidTreated: boolean; description: string }[];
  samples: string[];
  questionnaires: string[];
  adverseEvents: AeRow[];
  notes: string;
  reason: string;
};

/** Site staff log a visit: date, relapse assessment, samples, questionnaires, adverse events. */
function LogVisitForm({ visit }: { visit: Visit & Record<string, unknown> }) {
  const qc = useQueryClient();
  const zone = useZone(visit.siteId);
  const [left, setLeft] = useState<string[]>([]);
  const logged = visit.status === 'logged' || !!visit.loggedDate;
  const { register, handleSubmit, control, watch, formState, setError } = useForm<LogForm>({
    defaultValues: {
      visitDate: visit.loggedDate ?? todayIn(zone),
      newRelapse: 'no',
      relapses: [],
      samples: [],
      questionnaires: [],
      adverseEvents: [],
      notes: '',
      reason: '',
    },
  });
  const relapses = useFieldArray({ control, name: 'relapses' });
  const aes = useFieldArray({ control, name: 'adverseEvents' });
  const save = useMutation({
    mutationFn: (v: LogForm) => {
      const relapseAssessment =
        v.newRelapse === 'yes'
          ? { newRelapse: true, relapses: v.relapses.map((r) => ({ onsetDate: r.onsetDate, steroidTreated: r.steroidTreated, ...(r.description ? { description: r.description } : {}) })) }
          : { newRelapse: false };
      const base = {
        visitDate: v.visitDate,
        relapseAssessment,
        samples: v.samples.map((type) => ({ type, taken: true })),
        questionnaires: v.questionnaires.map((instrument) => ({ instrument, done: true })),
        ...(v.notes ? { notes: v.notes } : {}),
      };
      const path = { params: { path: { visitId: visit.id } } };
      if (logged) return callAs<VisitDetail>(api.PATCH('/follow-up/visits/{visitId}/log', { ...path, body: { ...base, reason: v.reason } as never }));
      return callAs<VisitDetail>(
        api.POST('/follow-up/visits/{visitId}/log', {
          ...path,
          body: {
            ...base,
            adverseEvents: v.adverseEvents.map((a) => ({
              term: a.term,
              onsetDate: a.onsetDate,
              ...(a.endDate ? { endDate: a.endDate } : {}),
              severity: a.severity,
              serious: a.serious,
              ...(a.serious ? { seriousnessCriteria: a.seriousnessCriteria } : {}),
              outcome: a.outcome,
            })),
            expectedVersion: visit.version,
          } as never,
        }),
      );
    },
    onSuccess: async (d) => {
      qc.setQueryData(['visit', visit.id], d);
      await qc.invalidateQueries({ queryKey: ['follow-up'] });
    },
    onError: (e) => setLeft(applyServerErrors<LogForm>(e, setError, (p) => /^(visitDate|notes|reason|relapses\.\d+\.\w+|adverseEvents\.\d+\.\w+)$/.test(p))),
  });
  const e = formState.errors;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const err = (path: string): string | undefined => path.split('.').reduce<any>((o, k) => o?.[k], e)?.message;
  return (
    <form onSubmit={handleSubmit((v) => (setLeft([]), save.mutate(v)))} noValidate aria-labelledby="log-h">
      <h2 id="log-h">{logged ? 'Correct the visit log' : 'Log this visit'}</h2>
      <div className="grid">
        <Field label="Date the visit took place" error={err('visitDate')}>
          {(c) => <input {...c} type="date" {...register('visitDate', { required: 'Enter the visit date' })} />}
        </Field>
      </div>
      <fieldset>
        <legend>New relapse since the previous visit?</legend>
        <div className="choices">
          <label>
            <input type="radio" value="no" {...register('newRelapse')} /> No
          </label>
          <label>
            <input type="radio" value="yes" {...register('newRelapse')} /> Yes
          </label>
        </div>
        {watch('newRelapse') === 'yes' && (
          <>
            {relapses.fields.map((f, i) => (
              <div key={f.id} className="row" role="group" aria-label={`Relapse ${i + 1}`}>
                <Field label={`Relapse ${i + 1}: onset`} error={err(`relapses.${i}.onsetDate`)}>
                  {(c) => <input {...c} type="date" {...register(`relapses.${i}.onsetDate`, { required: 'Enter the onset date' })} />}
                </Field>
                <div className="field">
                  <label>
                    <input type="checkbox" {...register(`relapses.${i}.steroidTreated`)} /> Treated with high-dose steroids
                  </label>
                </div>
                <Field label="Description (no personal data)">{(c) => <input {...c} {...register(`relapses.${i}.description`)} />}</Field>
              </div>
            ))}
            <button type="button" className="secondary" onClick={() => relapses.append({ onsetDate: '', steroidTreated: false, description: '' })}>
              Add a relapse
            </button>
          </>
        )}
      </fieldset>
      <fieldset>
        <legend>Samples taken</legend>
        <div className="choices">
          {SAMPLES.map((s) => (
            <label key={s}>
              <input type="checkbox" value={s} {...register('samples')} /> {humanise(s)}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Questionnaires done</legend>
        <div className="choices">
          {QUESTIONNAIRES.map((q) => (
            <label key={q}>
              <input type="checkbox" value={q} {...register('questionnaires')} /> {q.toUpperCase().replace('_', ' ')}
            </label>
          ))}
        </div>
      </fieldset>
      {!logged && (
        <fieldset>
          <legend>Adverse events</legend>
          {aes.fields.map((f, i) => (
            <div key={f.id} className="panel" role="group" aria-label={`Adverse event ${i + 1}`}>
              <div className="grid">
                <Field label="Term (no personal data)" error={err(`adverseEvents.${i}.term`)}>
                  {(c) => <input {...c} {...register(`adverseEvents.${i}.term`, { required: 'Enter the term' })} />}
                </Field>
                <Field label="Onset" error={err(`adverseEvents.${i}.onsetDate`)}>
                  {(c) => <input {...c} type="date" {...register(`adverseEvents.${i}.onsetDate`, { required: 'Enter the onset date' })} />}
                </Field>
                <Field label="End (empty = ongoing)">{(c) => <input {...c} type="date" {...register(`adverseEvents.${i}.endDate`)} />}</Field>
                <Field label="Severity">
                  {(c) => (
                    <select {...c} {...register(`adverseEvents.${i}.severity`)}>
                      <option value="mild">Mild</option>
                      <option value="moderate">Moderate</option>
                      <option value="severe">Severe</option>
                    </select>
                  )}
                </Field>
                <Field label="Outcome">
                  {(c) => (
                    <select {...c} {...register(`adverseEvents.${i}.outcome`)}>
                      {OUTCOMES.map((o) => (
                        <option key={o} value={o}>
                          {humanise(o)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <div className="field">
                  <label>
                    <input type="checkbox" {...register(`adverseEvents.${i}.serious`)} /> Serious (SAE: the 24-hour reporting clock starts)
                  </label>
                </div>
              </div>
              {watch(`adverseEvents.${i}.serious`) && (
                <fieldset>
                  <legend>Seriousness criteria</legend>
                  <div className="choices">
                    {SERIOUSNESS.map((s) => (
                      <label key={s}>
                        <input type="checkbox" value={s} {...register(`adverseEvents.${i}.seriousnessCriteria`)} /> {humanise(s)}
                      </label>
                    ))}
                  </div>
                </fieldset>
              )}
              <button type="button" className="secondary" onClick={() => aes.remove(i)}>
                Remove adverse event {i + 1}
              </button>
            </div>
          ))}
          <button
            type="button"
            className="secondary"
            onClick={() => aes.append({ term: '', onsetDate: '', endDate: '', severity: 'mild', serious: false, seriousnessCriteria: [], outcome: 'recovering' })}
          >
            Add an adverse event
          </button>
        </fieldset>
      )}
      <Field label="Notes (no personal data)" error={err('notes')}>
        {(c) => <textarea {...c} rows={3} {...register('notes')} />}
      </Field>
      {logged && (
        <Field label="Reason for the correction" error={err('reason')}>
          {(c) => <input {...c} {...register('reason', { required: 'Give the reason for the correction' })} />}
        </Field>
      )}
      {left.length > 0 && <ErrorBox error={new Error(left.join('; '))} title="Not saved" />}
      {save.isSuccess && (
        <div className="alert ok" role="status">
          Visit saved.
        </div>
      )}
      <button type="submit" disabled={save.isPending}>
        {logged ? 'Save correction' : 'Log visit'}
      </button>
    </form>
  );
}
