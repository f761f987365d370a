import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type ReactNode } from 'react';
import { type UseFormRegisterReturn, useFieldArray, useForm } from 'react-hook-form';
import { Link, useParams } from 'react-router';
import { api, call } from '../api/client';
import type { Visit, VisitDetail } from '../api/client';
import { useSession } from '../auth/session';
import { CorrectionHistory } from '../components/History';
import { CorrectAdverseEvent, StaleNotice } from '../components/AdverseEventCorrection';
import { RecordQueries } from '../components/DataQueries';
import { type QueryTarget, recordTargets } from '../lib/query-paths';
import { ErrorBox, Field, QueryView, Tag } from '../components/ui';
import {
  type AdverseEvent as AdverseEventResponse,
  AdverseEventClocks,
  ReportAdverseEventForm,
} from './AdverseEvents';
import { diffRecord, type GroupSpec, type JsonRecord, patchFromChanges } from '../lib/corrections';
import { DraftNotice, useServerDraft } from '../lib/drafts';
import {
  isUnresolved,
  Marked,
  QueryFlag,
  QueryMarks,
  useQueriesUnder,
  useRecordQueries,
} from '../lib/query-marks';
import { applyServerErrors } from '../lib/forms';
import { humanise } from '../lib/labels';
import { useZone } from '../lib/reference';
import { formatDate, todayIn } from '../lib/time';

const EDSS_STEPS = Array.from({ length: 21 }, (_, i) => (i / 2).toFixed(1));
const SAMPLES = ['bloods', 'biobank', 'urine', 'csf', 'other'];
const QUESTIONNAIRES = ['msis29', 'eq5d', 'sf36', 'fatigue', 'health_economics', 'other'];
const SERIOUSNESS = [
  'death',
  'life_threatening',
  'hospitalisation',
  'disability',
  'congenital_anomaly',
  'other_medically_important',
];
const OUTCOMES = [
  'recovered',
  'recovering',
  'not_recovered',
  'recovered_with_sequelae',
  'fatal',
  'unknown',
];

export function VisitPage() {
  const { visitId = '' } = useParams();
  const query = useQuery({
    queryKey: ['visit', visitId],
    queryFn: () => call(api.GET('/follow-up/visits/{visitId}', { params: { path: { visitId } } })),
  });
  return (
    <QueryView query={query} what="the visit">
      {(d) => <VisitContent detail={d} />}
    </QueryView>
  );
}

function VisitContent({ detail: d }: { detail: VisitDetail }) {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  const assessor = hasRole('blinded_assessor');
  const siteWriter = hasRole('site_staff', 'investigator', 'coordinator');
  const raiser = hasRole('monitor', 'statistician');
  const logged = isLogged(d.visit);
  const record = logRecordOf(d.visit);
  const assessed = !!d.visit.edss || !!d.visit.mri;
  const aeHeading = useId();
  // The record's data queries mark their fields on the forms and the logged values.
  const logQueries = useRecordQueries(
    d.visit.participantId,
    'visit_log',
    d.visit.id,
    !assessor && logged,
  );
  const assessmentQueries = useRecordQueries(
    d.visit.participantId,
    'visit_assessment',
    d.visit.id,
    (assessor || raiser) && assessed,
  );
  return (
    <>
      <VisitHeader visit={d.visit} />
      {d.deviation && (
        <div className="alert warn">
          Protocol deviation: logged {String(d.deviation.daysOutside ?? '')} day(s) outside the
          window.
        </div>
      )}
      {!assessor && logged && (
        <QueryMarks queries={logQueries.data}>
          <LoggedValues visit={d.visit} />
          <RecordQueries
            recordEntity="visit_log"
            recordId={d.visit.id}
            siteId={d.visit.siteId}
            what={t('queries.what.visitLog')}
            queries={logQueries}
            targets={record ? visitLogTargets(record, t) : []}
            correctHint={siteWriter ? t('queries.correctHint.visitLog') : undefined}
          />
        </QueryMarks>
      )}
      {assessor && (
        <QueryMarks queries={assessmentQueries.data}>
          <AssessorForm visit={d.visit} />
        </QueryMarks>
      )}
      {(assessor || raiser) && assessed && (
        <RecordQueries
          recordEntity="visit_assessment"
          recordId={d.visit.id}
          siteId={d.visit.siteId}
          what={t('queries.what.assessment')}
          queries={assessmentQueries}
          targets={recordTargets(
            'assessment',
            d.visit as unknown as JsonRecord,
            {},
            (k) => t(k),
            t('queries.raise.any'),
          )}
          correctHint={assessor ? t('queries.correctHint.assessment') : undefined}
        />
      )}
      {siteWriter && !assessor && (
        <QueryMarks queries={logQueries.data}>
          <LogVisitForm visit={d.visit} />
        </QueryMarks>
      )}
      <VisitHistory visit={d.visit} assessor={assessor} />
      {!assessor && (d.adverseEvents.length > 0 || (siteWriter && logged)) && (
        <section aria-labelledby={aeHeading}>
          <h2 id={aeHeading}>Adverse events at this visit</h2>
          <ul>
            {d.adverseEvents.map((ae) => (
              <li key={String(ae.id)}>
                <AdverseEventItem ae={ae} canCorrect={siteWriter} siteId={d.visit.siteId} />
                <VisitAeClocks ae={ae} siteId={d.visit.siteId} />
              </li>
            ))}
          </ul>
          {siteWriter && logged && <ReportAtVisit visit={d.visit} />}
        </section>
      )}
    </>
  );
}

const SAMPLE_NAMES: Record<string, string> = Object.fromEntries(
  SAMPLES.map((s) => [s, humanise(s)]),
);
const instrumentName = (q: string) => q.toUpperCase().replace('_', ' ');

/** The fields of a logged visit a query may point at (each sample and questionnaire, each relapse). */
function visitLogTargets(record: LogRecord, t: (key: string) => string): QueryTarget[] {
  return [
    { itemId: 'visit.visitDate', label: t('field.visit.visitDate') },
    ...recordTargets(
      'visit_log',
      record as unknown as JsonRecord,
      {
        'relapseAssessment.relapses': { key: 'id', name: (_k, i) => `relapse ${i + 1}` },
        samples: { key: 'type', name: (k) => SAMPLE_NAMES[k] ?? k, extra: SAMPLES },
        questionnaires: { key: 'instrument', name: instrumentName, extra: QUESTIONNAIRES },
      },
      t,
      t('queries.raise.any'),
    ),
  ];
}

/** The SAE 24-hour and SUSAR clocks of an event at this visit (its correction form above keeps the history). */
function VisitAeClocks({ ae, siteId }: { ae: AdverseEventResponse; siteId: string }) {
  const zone = useZone(siteId);
  return <AdverseEventClocks ae={ae} zone={zone} />;
}

/** The full adverse-event report (grade, awareness, causality per intervention) for a logged visit. */
function ReportAtVisit({ visit }: { visit: Visit & Record<string, unknown> }) {
  const zone = useZone(visit.siteId);
  const [open, setOpen] = useState(false);
  const allocation = useQuery({
    queryKey: ['participant', visit.participantId, 'allocation'],
    queryFn: () =>
      call(
        api.GET('/participants/{id}/randomization', {
          params: { path: { id: visit.participantId } },
        }),
      ),
    retry: false,
    enabled: open,
  });
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Report adverse event
      </button>
    );
  return (
    <ReportAdverseEventForm
      participantId={visit.participantId}
      visitId={visit.id}
      arm={allocation.data?.arm}
      zone={zone}
      onDone={() => setOpen(false)}
    />
  );
}

type Relapse = { id?: string; onsetDate: string; steroidTreated: boolean; description?: string };
type SiteData = {
  relapseAssessment: { newRelapse: boolean; relapses: Relapse[] };
  samples: { type: string; taken: boolean; note?: string }[];
  questionnaires: { instrument: string; done: boolean }[];
  notes?: string;
};
/** A logged visit as one correctable record, the shape the API's corrections and history use. */
type LogRecord = { visitDate: string } & SiteData;

const LOG_GROUPS: GroupSpec[] = [
  { path: 'relapseAssessment.relapses', key: 'id', generated: true },
  { path: 'samples', key: 'type', generated: false },
  { path: 'questionnaires', key: 'instrument', generated: false },
];

const isLogged = (visit: Visit & Record<string, unknown>) =>
  visit.status === 'logged' || !!visit.loggedDate;
const siteDataOf = (visit: Visit & Record<string, unknown>) =>
  (visit.siteData ?? null) as SiteData | null;
const logRecordOf = (visit: Visit & Record<string, unknown>): LogRecord | null => {
  const data = siteDataOf(visit);
  return data && visit.loggedDate ? { visitDate: visit.loggedDate, ...data } : null;
};

/** A row of the logged values with the unresolved queries on its fields (under `paths`). */
function LoggedRow({
  term,
  paths,
  children,
}: {
  term: string;
  paths: string[];
  children: ReactNode;
}) {
  const id = useId();
  const queries = useQueriesUnder(...paths);
  return (
    <div className={queries.length > 0 ? 'fact queried' : 'fact'}>
      <dt>{term}</dt>
      <dd>
        {children}
        <QueryFlag id={`${id}-query`} queries={queries} />
      </dd>
    </div>
  );
}

/** What is logged now: every value, so the nurse sees what a correction changes (and the monitor what a query is about). */
function LoggedValues({ visit }: { visit: Visit & Record<string, unknown> }) {
  const data = siteDataOf(visit);
  if (!data) return null;
  const relapses = data.relapseAssessment.relapses ?? [];
  return (
    <section aria-labelledby="logged-h" className="panel">
      <h2 id="logged-h">Logged values</h2>
      <dl className="facts" data-testid="logged-values">
        <LoggedRow term="Visit date" paths={['visitDate']}>
          {formatDate(visit.loggedDate)}
        </LoggedRow>
        <LoggedRow term="New relapse" paths={['relapseAssessment.newRelapse']}>
          {data.relapseAssessment.newRelapse ? 'Yes' : 'No'}
        </LoggedRow>
        {relapses.map((r, i) => (
          <LoggedRow
            key={r.id ?? i}
            term={`Relapse ${i + 1}`}
            paths={[`relapseAssessment.relapses[${r.id ?? ''}]`]}
          >
            onset {formatDate(r.onsetDate)} · {r.steroidTreated ? 'steroid-treated' : 'no steroids'}
            {r.description ? ` · ${r.description}` : ''}
          </LoggedRow>
        ))}
        <LoggedRow term="Samples" paths={['samples']}>
          {data.samples.length === 0
            ? 'None'
            : data.samples
                .map(
                  (s) =>
                    `${humanise(s.type)}: ${s.taken ? 'taken' : 'not taken'}${s.note ? ` (${s.note})` : ''}`,
                )
                .join('; ')}
        </LoggedRow>
        <LoggedRow term="Questionnaires" paths={['questionnaires']}>
          {data.questionnaires.length === 0
            ? 'None'
            : data.questionnaires
                .map((q) => `${instrumentName(q.instrument)}: ${q.done ? 'done' : 'not done'}`)
                .join('; ')}
        </LoggedRow>
        <LoggedRow term="Notes" paths={['notes']}>
          {data.notes ?? '—'}
        </LoggedRow>
      </dl>
    </section>
  );
}

/** The correction history of the visit's log and assessment. */
function VisitHistory({ visit, assessor }: { visit: Visit; assessor: boolean }) {
  const zone = useZone(visit.siteId);
  const history = useQuery({
    queryKey: ['visit', visit.id, 'history', visit.version],
    queryFn: () =>
      call(
        api.GET('/follow-up/visits/{visitId}/history', { params: { path: { visitId: visit.id } } }),
      ),
  });
  if (!history.data) return null;
  const { log, assessment } = history.data;
  if (log.length === 0 && assessment.length === 0) return null;
  return (
    <section aria-labelledby="history-h">
      <h2 id="history-h">Correction history</h2>
      {!assessor && <CorrectionHistory title="Visit log" versions={log} zone={zone} />}
      <CorrectionHistory title="Blinded assessment" versions={assessment} zone={zone} />
    </section>
  );
}

function VisitHeader({ visit }: { visit: Visit }) {
  return (
    <>
      <h1>
        Visit {visit.code}: {visit.label}
      </h1>
      <p>
        Participant <Link to={`/participants/${visit.participantId}`}>{visit.studyId}</Link> ·
        window {formatDate(visit.windowStart)} – {formatDate(visit.windowEnd)} (target{' '}
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
        ...(v.edssScore
          ? { edss: { score: Number(v.edssScore), rater: v.rater, assessedOn: v.assessedOn } }
          : {}),
        ...(v.mriExamDate
          ? {
              mri: {
                examDate: v.mriExamDate,
                gdLesions: Number(v.gdLesions),
                newOrEnlargingT2: Number(v.newOrEnlargingT2),
                comparedWith: v.comparedWith,
              },
            }
          : {}),
      };
      const path = { params: { path: { visitId: visit.id } } };
      if (recorded) {
        const original: JsonRecord = {
          ...(visit.edss
            ? {
                edss: {
                  score: visit.edss.score,
                  rater: visit.edss.rater,
                  assessedOn: visit.edss.assessedOn,
                },
              }
            : {}),
          ...(visit.mri ? { mri: { ...visit.mri } } : {}),
        };
        const edited: JsonRecord = {
          ...(visit.edss && body.edss
            ? { edss: body.edss }
            : visit.edss
              ? { edss: original.edss }
              : {}),
          ...(visit.mri && body.mri ? { mri: body.mri } : visit.mri ? { mri: original.mri } : {}),
        };
        const patch = patchFromChanges(diffRecord(original, edited), []);
        return call(
          api.PATCH('/follow-up/visits/{visitId}/assessment', {
            ...path,
            body: { ...patch, reason: v.reason, expectedVersion: visit.version } as never,
          }),
        );
      }
      return call(
        api.POST('/follow-up/visits/{visitId}/assessment', { ...path, body: body as never }),
      );
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
      setLeft(
        applyServerErrors<AssessForm>(
          e,
          (n, err, o) => setError(map[n as string] ?? (n as keyof AssessForm), err, o),
          Object.keys(map),
        ),
      );
    },
  });
  const e = formState.errors;
  const { t } = useTranslation();
  return (
    <form
      onSubmit={handleSubmit((v) => (setLeft([]), save.mutate(v)))}
      noValidate
      aria-labelledby="assess-h"
    >
      <h2 id="assess-h">Blinded assessment</h2>
      {recorded && (
        <div className="alert info">
          Recorded:{' '}
          {visit.edss &&
            `EDSS ${visit.edss.score.toFixed(1)} on ${formatDate(visit.edss.assessedOn)} by ${visit.edss.rater ?? '—'}`}
          {visit.edss && visit.mri && '; '}
          {visit.mri &&
            `MRI ${formatDate(visit.mri.examDate)}: ${visit.mri.gdLesions} Gd+ and ${visit.mri.newOrEnlargingT2} new/enlarging T2 lesions`}
          . Saving again corrects it (with a reason).
        </div>
      )}
      <fieldset>
        <legend>EDSS</legend>
        <div className="grid">
          <Field
            label={t('field.assessment.edss')}
            mark="edss.score"
            hint={t('visit.edssHint')}
            error={e.edssScore?.message}
          >
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
          <Field
            label={t('field.assessment.edssRater')}
            mark="edss.rater"
            hint="For example your Neurostatus id or initials"
            error={e.rater?.message}
          >
            {(c) => <input {...c} {...register('rater')} />}
          </Field>
          <Field
            label={t('field.assessment.edssDate')}
            mark="edss.assessedOn"
            error={e.assessedOn?.message}
          >
            {(c) => <input {...c} type="date" {...register('assessedOn')} />}
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>MRI read</legend>
        <div className="grid">
          <Field
            label={t('field.assessment.mriDate')}
            mark="mri.examDate"
            error={e.mriExamDate?.message}
          >
            {(c) => <input {...c} type="date" {...register('mriExamDate')} />}
          </Field>
          <Field
            label={t('field.assessment.mriGdLesions')}
            mark="mri.gdLesions"
            error={e.gdLesions?.message}
          >
            {(c) => (
              <input
                {...c}
                type="number"
                min={0}
                max={500}
                inputMode="numeric"
                {...register('gdLesions')}
              />
            )}
          </Field>
          <Field
            label={t('field.assessment.mriNewOrEnlargingT2')}
            mark="mri.newOrEnlargingT2"
            error={e.newOrEnlargingT2?.message}
          >
            {(c) => (
              <input
                {...c}
                type="number"
                min={0}
                max={500}
                inputMode="numeric"
                {...register('newOrEnlargingT2')}
              />
            )}
          </Field>
          <Field
            label={t('field.assessment.mriComparedWith')}
            mark="mri.comparedWith"
            error={e.comparedWith?.message}
          >
            {(c) => <input {...c} type="date" {...register('comparedWith')} />}
          </Field>
        </div>
      </fieldset>
      {recorded && (
        <Field label="Reason for the correction" error={e.reason?.message}>
          {(c) => (
            <input
              {...c}
              {...register('reason', { required: 'Give the reason for the correction' })}
            />
          )}
        </Field>
      )}
      <StaleNotice error={save.error} />
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

type AeRow = {
  term: string;
  onsetDate: string;
  endDate: string;
  severity: string;
  serious: boolean;
  seriousnessCriteria: string[];
  outcome: string;
};
type LogForm = {
  visitDate: string;
  newRelapse: 'no' | 'yes';
  relapses: { id: string; onsetDate: string; steroidTreated: boolean; description: string }[];
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
  const logged = isLogged(visit);
  const original = logRecordOf(visit);
  const [saved, setSaved] = useState(false);
  // A correction starts from the logged values, and again after each save (a new version).
  const form = useForm<LogForm>({ defaultValues: logDefaults(visit, original, zone) });
  const { register, handleSubmit, control, watch, formState, setError, reset } = form;
  useEffect(() => reset(logDefaults(visit, original, zone)), [visit.version]);
  // Unsaved input survives a new sign-in: a draft on the server (per user, per visit version).
  const draft = useServerDraft(`visit-log:${visit.id}:${visit.version}`, form);
  const relapses = useFieldArray({ control, name: 'relapses' });
  const aes = useFieldArray({ control, name: 'adverseEvents' });
  const save = useMutation({
    mutationFn: (v: LogForm) => {
      const relapseAssessment =
        v.newRelapse === 'yes'
          ? {
              newRelapse: true,
              relapses: v.relapses.map((r) => ({
                onsetDate: r.onsetDate,
                steroidTreated: r.steroidTreated,
                ...(r.description ? { description: r.description } : {}),
              })),
            }
          : { newRelapse: false };
      const base = {
        visitDate: v.visitDate,
        relapseAssessment,
        samples: v.samples.map((type) => ({ type, taken: true })),
        questionnaires: v.questionnaires.map((instrument) => ({ instrument, done: true })),
        ...(v.notes ? { notes: v.notes } : {}),
      };
      const path = { params: { path: { visitId: visit.id } } };
      if (logged && original) {
        const patch = patchFromChanges(
          diffRecord(original, editedRecord(original, v), LOG_GROUPS),
          LOG_GROUPS,
        );
        return call(
          api.PATCH('/follow-up/visits/{visitId}/log', {
            ...path,
            body: { ...patch, reason: v.reason, expectedVersion: visit.version } as never,
          }),
        );
      }
      return call(
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
      void draft.clear();
      setSaved(true);
      qc.setQueryData(['visit', visit.id], d);
      await qc.invalidateQueries({ queryKey: ['follow-up'] });
    },
    onError: (e) =>
      setLeft(
        applyServerErrors<LogForm>(e, setError, (p) =>
          /^(visitDate|notes|reason|relapses\.\d+\.\w+|adverseEvents\.\d+\.\w+)$/.test(p),
        ),
      ),
  });
  const e = formState.errors;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const err = (path: string): string | undefined =>
    path.split('.').reduce<any>((o, k) => o?.[k], e)?.message;
  return (
    <form
      onSubmit={handleSubmit((v) => (setLeft([]), setSaved(false), save.mutate(v)))}
      noValidate
      aria-labelledby="log-h"
    >
      <h2 id="log-h">{logged ? 'Correct the visit log' : 'Log this visit'}</h2>
      <DraftNotice draft={draft} />
      <div className="grid">
        <Field label="Date the visit took place" error={err('visitDate')} mark="visitDate">
          {(c) => (
            <input
              {...c}
              type="date"
              {...register('visitDate', { required: 'Enter the visit date' })}
            />
          )}
        </Field>
      </div>
      <Marked path="relapseAssessment.newRelapse">
        {(m) => (
          <fieldset aria-describedby={m.describedBy} className={m.marked ? 'queried' : undefined}>
            <legend>New relapse since the previous visit?</legend>
            {m.flag}
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
                    <Field
                      label={`Relapse ${i + 1}: onset`}
                      error={err(`relapses.${i}.onsetDate`)}
                      mark={`relapseAssessment.relapses[${watch(`relapses.${i}.id`)}].onsetDate`}
                    >
                      {(c) => (
                        <input
                          {...c}
                          type="date"
                          {...register(`relapses.${i}.onsetDate`, {
                            required: 'Enter the onset date',
                          })}
                        />
                      )}
                    </Field>
                    <Marked
                      path={`relapseAssessment.relapses[${watch(`relapses.${i}.id`)}].steroidTreated`}
                    >
                      {(m) => (
                        <div className={m.marked ? 'field queried' : 'field'}>
                          <label>
                            <input
                              type="checkbox"
                              aria-describedby={m.describedBy}
                              {...register(`relapses.${i}.steroidTreated`)}
                            />{' '}
                            Treated with high-dose steroids
                          </label>
                          {m.flag}
                        </div>
                      )}
                    </Marked>
                    <Field
                      label="Description (no personal data)"
                      mark={`relapseAssessment.relapses[${watch(`relapses.${i}.id`)}].description`}
                    >
                      {(c) => <input {...c} {...register(`relapses.${i}.description`)} />}
                    </Field>
                  </div>
                ))}
                <button
                  type="button"
                  className="secondary"
                  onClick={() =>
                    relapses.append({
                      id: '',
                      onsetDate: '',
                      steroidTreated: false,
                      description: '',
                    })
                  }
                >
                  Add a relapse
                </button>
              </>
            )}
          </fieldset>
        )}
      </Marked>
      <MarkedChoices
        path="samples"
        legend="Samples taken"
        options={SAMPLES}
        label={humanise}
        input={register('samples')}
      />
      <MarkedChoices
        path="questionnaires"
        legend="Questionnaires done"
        options={QUESTIONNAIRES}
        label={instrumentName}
        input={register('questionnaires')}
      />
      {!logged && (
        <fieldset>
          <legend>Adverse events</legend>
          {aes.fields.map((f, i) => (
            <div key={f.id} className="panel" role="group" aria-label={`Adverse event ${i + 1}`}>
              <div className="grid">
                <Field label="Term (no personal data)" error={err(`adverseEvents.${i}.term`)}>
                  {(c) => (
                    <input
                      {...c}
                      {...register(`adverseEvents.${i}.term`, { required: 'Enter the term' })}
                    />
                  )}
                </Field>
                <Field label="Onset" error={err(`adverseEvents.${i}.onsetDate`)}>
                  {(c) => (
                    <input
                      {...c}
                      type="date"
                      {...register(`adverseEvents.${i}.onsetDate`, {
                        required: 'Enter the onset date',
                      })}
                    />
                  )}
                </Field>
                <Field label="End (empty = ongoing)">
                  {(c) => <input {...c} type="date" {...register(`adverseEvents.${i}.endDate`)} />}
                </Field>
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
                    <input type="checkbox" {...register(`adverseEvents.${i}.serious`)} /> Serious
                    (SAE: the 24-hour reporting clock starts)
                  </label>
                </div>
              </div>
              {watch(`adverseEvents.${i}.serious`) && (
                <fieldset>
                  <legend>Seriousness criteria</legend>
                  <div className="choices">
                    {SERIOUSNESS.map((s) => (
                      <label key={s}>
                        <input
                          type="checkbox"
                          value={s}
                          {...register(`adverseEvents.${i}.seriousnessCriteria`)}
                        />{' '}
                        {humanise(s)}
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
            onClick={() =>
              aes.append({
                term: '',
                onsetDate: '',
                endDate: '',
                severity: 'mild',
                serious: false,
                seriousnessCriteria: [],
                outcome: 'recovering',
              })
            }
          >
            Add an adverse event
          </button>
        </fieldset>
      )}
      <Field label="Notes (no personal data)" error={err('notes')} mark="notes">
        {(c) => <textarea {...c} rows={3} {...register('notes')} />}
      </Field>
      {logged && (
        <Field label="Reason for the correction" error={err('reason')}>
          {(c) => (
            <input
              {...c}
              {...register('reason', { required: 'Give the reason for the correction' })}
            />
          )}
        </Field>
      )}
      <StaleNotice error={save.error} />
      {left.length > 0 && <ErrorBox error={new Error(left.join('; '))} title="Not saved" />}
      {saved && (
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

/**
 * The logged record as the form now has it. Items keep their identity: a sample or questionnaire
 * unticked is "not taken/done" (its note stays), relapses keep their ids, new rows have none.
 */
/** A group of checkboxes (one list of the record), each option marked when a query names it. */
function MarkedChoices({
  path,
  legend,
  options,
  label,
  input,
}: {
  path: string;
  legend: string;
  options: readonly string[];
  label: (option: string) => string;
  input: UseFormRegisterReturn;
}) {
  return (
    <Marked path={path} mode="list">
      {(list) => (
        <fieldset
          aria-describedby={list.describedBy}
          className={list.marked ? 'queried' : undefined}
        >
          <legend>{legend}</legend>
          {list.flag}
          <div className="choices">
            {options.map((o) => (
              <Marked key={o} path={`${path}[${o}]`} mode="element">
                {(m) => (
                  <span className={m.marked ? 'choice queried' : 'choice'}>
                    <label>
                      <input
                        type="checkbox"
                        value={o}
                        aria-describedby={m.describedBy}
                        {...input}
                      />{' '}
                      {label(o)}
                    </label>
                    {m.flag}
                  </span>
                )}
              </Marked>
            ))}
          </div>
        </fieldset>
      )}
    </Marked>
  );
}

function editedRecord(original: LogRecord, v: LogForm): LogRecord {
  const relapses: Relapse[] =
    v.newRelapse === 'yes'
      ? v.relapses.map((r, i) => ({
          id: r.id || `new-${i}`,
          onsetDate: r.onsetDate,
          steroidTreated: r.steroidTreated,
          ...(r.description ? { description: r.description } : {}),
        }))
      : [];
  const samples = original.samples.map((x) => ({ ...x, taken: v.samples.includes(x.type) }));
  for (const type of v.samples)
    if (!samples.some((x) => x.type === type)) samples.push({ type, taken: true });
  const questionnaires = original.questionnaires.map((q) => ({
    ...q,
    done: v.questionnaires.includes(q.instrument),
  }));
  for (const instrument of v.questionnaires)
    if (!questionnaires.some((q) => q.instrument === instrument))
      questionnaires.push({ instrument, done: true });
  return {
    visitDate: v.visitDate,
    relapseAssessment: { newRelapse: v.newRelapse === 'yes', relapses },
    samples,
    questionnaires,
    ...(v.notes ? { notes: v.notes } : {}),
  };
}

function logDefaults(visit: Visit, original: LogRecord | null, zone: string): LogForm {
  return {
    visitDate: visit.loggedDate ?? todayIn(zone),
    newRelapse: original?.relapseAssessment.newRelapse ? 'yes' : 'no',
    relapses: (original?.relapseAssessment.relapses ?? []).map((r) => ({
      id: r.id ?? '',
      onsetDate: r.onsetDate,
      steroidTreated: r.steroidTreated,
      description: r.description ?? '',
    })),
    samples: (original?.samples ?? []).filter((x) => x.taken).map((x) => x.type),
    questionnaires: (original?.questionnaires ?? []).filter((q) => q.done).map((q) => q.instrument),
    adverseEvents: [],
    notes: original?.notes ?? '',
    reason: '',
  };
}

/** One adverse event at the visit: its recorded values, its data queries and (for the site) its correction. */
function AdverseEventItem({
  ae,
  canCorrect,
  siteId,
}: {
  ae: AdverseEventResponse;
  canCorrect: boolean;
  siteId: string;
}) {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  const zone = useZone(siteId);
  const queries = useRecordQueries(ae.participantId, 'adverse_event', ae.id);
  const unresolved = (queries.data ?? []).filter(isUnresolved).length;
  const raiser = hasRole('monitor', 'statistician');
  return (
    <QueryMarks queries={queries.data}>
      <div>
        {ae.term} ({humanise(ae.severity)}) · onset {formatDate(ae.onsetDate)} ·{' '}
        {ae.endDate ? `ended ${formatDate(ae.endDate)}` : 'ongoing'} · {humanise(ae.outcome)}
        {ae.serious
          ? ` · serious (${(ae.seriousnessCriteria ?? []).map(humanise).join(', ')})`
          : ''}{' '}
        {unresolved > 0 && <Tag tone="warn">{t('queries.panel.count', { count: unresolved })}</Tag>}{' '}
        {canCorrect && <CorrectAdverseEvent ae={ae} zone={zone} />}
        {(unresolved > 0 || raiser || (queries.data ?? []).length > 0) && (
          <RecordQueries
            recordEntity="adverse_event"
            recordId={ae.id}
            siteId={siteId}
            what={t('queries.what.adverseEvent', { term: ae.term })}
            queries={queries}
            targets={recordTargets(
              'adverse_event',
              ae as unknown as JsonRecord,
              { assessments: { key: 'intervention', name: humanise } },
              (k) => t(k),
              t('queries.raise.any'),
            )}
            correctHint={canCorrect ? t('queries.correctHint.adverseEvent') : undefined}
            level={3}
          />
        )}
      </div>
    </QueryMarks>
  );
}
