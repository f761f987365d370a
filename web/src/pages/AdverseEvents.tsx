import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useForm } from 'react-hook-form';
import { api, ApiError, call } from '../api/client';
import type { Schemas } from '../api/client';
import { useSession } from '../auth/session';
import { CorrectionHistory } from '../components/History';
import { CorrectAdverseEvent, SeriousnessCriteria } from '../components/AdverseEventCorrection';
import { RecordQueries } from '../components/DataQueries';
import { recordTargets } from '../lib/query-paths';
import { ErrorBox, Field, Pager, QueryView, Tag } from '../components/ui';
import { applyServerErrors } from '../lib/forms';
import { isUnresolved, QueryMarks, useRecordQueries } from '../lib/query-marks';
import { formatDate, formatInstant, todayIn } from '../lib/time';
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
 * Adverse events for safety reporting (ICH E2A, EU CTR): the report form (at a visit or between
 * visits), the SAE 24-hour and SUSAR 7/15-day clocks, follow-up updates with their history, and a
 * participant's list. Never shown to a blinded assessor (the callers leave it out; the API refuses).
 */

export type AdverseEvent = Schemas['AdverseEventResponseDto'];

const label = (list: readonly { value: string; label: string }[], value: string | null) =>
  list.find((c) => c.value === value)?.label ?? value ?? '—';

/** The interventions of an arm (the server checks them against the trial's safety settings). */
export function interventionsOf(arm: string | null | undefined): string[] {
  const all = AE_INTERVENTION_CODES.map((c) => c.value);
  if (arm === 'A') return all.filter((v) => v !== 'arm_b_drug');
  if (arm === 'B') return ['arm_b_drug'];
  return all;
}

type AssessmentForm = {
  intervention: string;
  causality: string;
  expectedness: string;
  expectednessBy: string;
  rsiVersion: string;
};
type ReportForm = {
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
};

/** The report of one adverse event; `visitId` for one found at a logged visit, else between visits. */
export function ReportAdverseEventForm({
  participantId,
  visitId,
  arm,
  zone,
  onDone,
}: {
  participantId: string;
  visitId?: string;
  arm: string | null | undefined;
  zone: string;
  onDone: () => void;
}) {
  const qc = useQueryClient();
  const [leftover, setLeftover] = useState<string[]>([]);
  const { register, handleSubmit, watch, setError, formState } = useForm<ReportForm>({
    defaultValues: {
      term: '',
      meddraCode: '',
      onsetDate: '',
      endDate: '',
      awareDate: todayIn(zone),
      severity: 'mild',
      ctcaeGrade: '',
      serious: false,
      seriousnessCriteria: [],
      outcome: 'recovering',
      assessments: interventionsOf(arm).map((intervention) => ({
        intervention,
        causality: '',
        expectedness: '',
        expectednessBy: 'investigator',
        rsiVersion: '',
      })),
    },
  });
  const err = (path: string) =>
    (formState.errors as Record<string, { message?: string } | undefined>)[path]?.message ??
    (
      formState.errors as unknown as Record<
        string,
        Record<string, { message?: string } | undefined> | undefined
      >
    )[path.split('.')[0]]?.[path.split('.')[1]]?.message;
  const save = useMutation({
    mutationFn: (v: ReportForm) => {
      const ae = {
        term: v.term,
        onsetDate: v.onsetDate,
        awareDate: v.awareDate,
        severity: v.severity,
        serious: v.serious,
        outcome: v.outcome,
        ...(v.meddraCode ? { meddraCode: v.meddraCode } : {}),
        ...(v.endDate ? { endDate: v.endDate } : {}),
        ...(v.ctcaeGrade ? { ctcaeGrade: Number(v.ctcaeGrade) } : {}),
        ...(v.serious ? { seriousnessCriteria: v.seriousnessCriteria } : {}),
        assessments: v.assessments
          .filter((a) => a.causality)
          .map((a) => ({
            intervention: a.intervention,
            causality: a.causality,
            ...(a.expectedness
              ? {
                  expectedness: a.expectedness,
                  expectednessBy: a.expectednessBy || 'investigator',
                  ...(a.rsiVersion ? { rsiVersion: a.rsiVersion } : {}),
                }
              : {}),
          })),
      };
      const body = { adverseEvents: [ae] } as never;
      return call(
        visitId
          ? api.POST('/follow-up/visits/{visitId}/adverse-events', {
              params: { path: { visitId } },
              body,
            })
          : api.POST('/follow-up/participants/{participantId}/adverse-events', {
              params: { path: { participantId } },
              body,
            }),
      );
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['participant', participantId, 'adverse-events'] });
      if (visitId) await qc.invalidateQueries({ queryKey: ['visit', visitId] });
      onDone();
    },
    onError: (e) =>
      setLeftover(
        applyServerErrors(
          e,
          setError,
          (p) => /^(\w+|assessments\.\d+\.\w+)$/.test(p) && !p.startsWith('assessments.'),
          'adverseEvents.0.',
        ),
      ),
  });
  const assessments = watch('assessments');
  return (
    <form
      onSubmit={handleSubmit((v) => save.mutate(v))}
      noValidate
      className="panel"
      aria-label="Report an adverse event"
    >
      <div className="grid">
        <Field label="Term (no personal data)" error={err('term')}>
          {(c) => <input {...c} {...register('term', { required: 'Enter the term' })} />}
        </Field>
        <Field label="MedDRA code (LLT or PT, 8 digits, optional)" error={err('meddraCode')}>
          {(c) => <input {...c} inputMode="numeric" maxLength={8} {...register('meddraCode')} />}
        </Field>
        <Field label="Onset" error={err('onsetDate')}>
          {(c) => (
            <input
              {...c}
              type="date"
              max={todayIn(zone)}
              {...register('onsetDate', { required: 'Enter the onset date' })}
            />
          )}
        </Field>
        <Field label="End (empty = ongoing)" error={err('endDate')}>
          {(c) => <input {...c} type="date" max={todayIn(zone)} {...register('endDate')} />}
        </Field>
        <Field
          label="Date the site became aware"
          hint="Day 0 of the 24-hour SAE and the SUSAR clocks"
          error={err('awareDate')}
        >
          {(c) => (
            <input
              {...c}
              type="date"
              max={todayIn(zone)}
              {...register('awareDate', { required: 'Enter the awareness date' })}
            />
          )}
        </Field>
        <Field label="Severity" error={err('severity')}>
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
        <Field label="CTCAE grade" error={err('ctcaeGrade')}>
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
        <Field label="Outcome" error={err('outcome')}>
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
        <div className="field">
          <label>
            <input type="checkbox" {...register('serious')} /> Serious
          </label>
        </div>
      </div>
      {watch('serious') && (
        <SeriousnessCriteria
          input={register('seriousnessCriteria')}
          error={err('seriousnessCriteria')}
        />
      )}
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
            <Field label="Causality">
              {(c) => (
                <select {...c} {...register(`assessments.${i}.causality`)}>
                  <option value="">Not assessed</option>
                  {AE_CAUSALITY_CODES.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Expectedness (RSI)">
              {(c) => (
                <select
                  {...c}
                  {...register(`assessments.${i}.expectedness`)}
                  disabled={!a.causality}
                >
                  <option value="">Not assessed</option>
                  {AE_EXPECTEDNESS_CODES.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Assessed by">
              {(c) => (
                <select {...c} {...register(`assessments.${i}.expectednessBy`)}>
                  {EXPECTEDNESS_ASSESSOR_CODES.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="RSI version (empty = in force)">
              {(c) => <input {...c} size={8} {...register(`assessments.${i}.rsiVersion`)} />}
            </Field>
          </div>
        ))}
      </fieldset>
      {leftover.length > 0 && (
        <div className="alert error" role="alert">
          {leftover.map((m) => (
            <div key={m}>{m}</div>
          ))}
        </div>
      )}
      <button type="submit" disabled={save.isPending}>
        Report adverse event
      </button>{' '}
      <button type="button" className="secondary" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}

/** The SAE 24-hour clock and the SUSAR 7/15-day clock, side by side; investigators can mark the SUSAR reported. */
export function AdverseEventClocks({ ae, zone }: { ae: AdverseEvent; zone: string }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const [reference, setReference] = useState('');
  const report = useMutation({
    mutationFn: () =>
      call(
        api.POST('/follow-up/adverse-events/{id}/susar-reported', {
          params: { path: { id: ae.id } },
          body: { reference },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['participant', ae.participantId] }),
  });
  const sae = ae.reportingClock;
  const susar = ae.susarClock;
  if (!sae && !susar) return null;
  return (
    <div className="row" data-testid="ae-clocks">
      {sae && (
        <Tag tone={sae.state === 'reported' ? 'ok' : sae.state === 'open' ? 'warn' : 'bad'}>
          SAE 24 h:{' '}
          {sae.reportedAt
            ? `reported ${formatInstant(sae.reportedAt, zone)}${sae.state === 'reported_late' ? ' (late)' : ''}`
            : sae.state === 'overdue'
              ? `overdue since ${formatInstant(sae.dueAt, zone)}`
              : `due ${formatInstant(sae.dueAt, zone)} (${sae.hoursRemaining} h left)`}
        </Tag>
      )}
      {susar && (
        <Tag tone={susar.state === 'reported' ? 'ok' : susar.state === 'open' ? 'warn' : 'bad'}>
          SUSAR {susar.days} days from {formatDate(susar.awareDate)}:{' '}
          {susar.reportedAt
            ? `reported ${formatInstant(susar.reportedAt, zone)}${susar.state === 'reported_late' ? ' (late)' : ''}`
            : susar.state === 'overdue'
              ? `overdue since ${formatDate(susar.dueDate)}`
              : `due ${formatDate(susar.dueDate)} (${susar.daysRemaining} days left)`}
        </Tag>
      )}
      {susar && !susar.reportedAt && hasRole('investigator') && (
        <>
          <Field label="SUSAR report reference">
            {(c) => (
              <input {...c} value={reference} onChange={(e) => setReference(e.target.value)} />
            )}
          </Field>
          <button
            type="button"
            disabled={!reference || report.isPending}
            onClick={() => report.mutate()}
          >
            Mark SUSAR reported
          </button>
          <ErrorBox error={report.error} />
        </>
      )}
    </div>
  );
}

type UpdateForm = { outcome: string; endDate: string; ctcaeGrade: string; reason: string };

/** A follow-up update (outcome, end date, grade) with its reason; every update is a kept version, shown below. */
export function AdverseEventFollowUp({ ae, zone }: { ae: AdverseEvent; zone: string }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const defaults: UpdateForm = {
    outcome: ae.outcome,
    endDate: ae.endDate ?? '',
    ctcaeGrade: ae.ctcaeGrade ? String(ae.ctcaeGrade) : '',
    reason: '',
  };
  const { register, handleSubmit, reset, setError, formState } = useForm<UpdateForm>({
    defaultValues: defaults,
  });
  const history = useQuery({
    queryKey: ['adverse-event', ae.id, 'history', ae.version],
    enabled: open,
    queryFn: () =>
      call(api.GET('/follow-up/adverse-events/{id}/history', { params: { path: { id: ae.id } } })),
  });
  const save = useMutation({
    mutationFn: (v: UpdateForm) => {
      const body: Record<string, unknown> = { reason: v.reason, expectedVersion: ae.version };
      if (v.outcome !== defaults.outcome) body.outcome = v.outcome;
      if (v.endDate !== defaults.endDate) body.endDate = v.endDate || null;
      if (v.ctcaeGrade !== defaults.ctcaeGrade)
        body.ctcaeGrade = v.ctcaeGrade ? Number(v.ctcaeGrade) : null;
      return call(
        api.PATCH('/follow-up/adverse-events/{id}', {
          params: { path: { id: ae.id } },
          body: body as never,
        }),
      );
    },
    onSuccess: async () => {
      setOpen(false);
      await qc.invalidateQueries({ queryKey: ['participant', ae.participantId] });
      if (ae.visitId) await qc.invalidateQueries({ queryKey: ['visit', ae.visitId] });
    },
    onError: (e) =>
      applyServerErrors(
        e,
        setError,
        ['outcome', 'endDate', 'ctcaeGrade', 'reason'],
        'adverseEvent.',
      ),
  });
  if (!open)
    return (
      <button
        type="button"
        className="secondary"
        onClick={() => (reset(defaults), setOpen(true))}
        aria-label={`Follow-up update of ${ae.term}`}
      >
        Follow-up update / history
      </button>
    );
  return (
    <form
      onSubmit={handleSubmit((v) => save.mutate(v))}
      noValidate
      className="panel"
      aria-label={`Follow-up update of ${ae.term}`}
    >
      <div className="grid">
        <Field label="Outcome" error={formState.errors.outcome?.message} mark="outcome">
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
        <Field
          label="End (empty = ongoing)"
          error={formState.errors.endDate?.message}
          mark="endDate"
        >
          {(c) => <input {...c} type="date" max={todayIn(zone)} {...register('endDate')} />}
        </Field>
        <Field label="CTCAE grade" error={formState.errors.ctcaeGrade?.message} mark="ctcaeGrade">
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
        <Field label="Reason / source of the update" error={formState.errors.reason?.message}>
          {(c) => <input {...c} {...register('reason', { required: 'Give the reason' })} />}
        </Field>
      </div>
      {save.error &&
        !(save.error instanceof ApiError && save.error.code === 'VALIDATION_FAILED') && (
          <ErrorBox error={save.error} title="Not saved" />
        )}
      <button type="submit" disabled={save.isPending}>
        Save update
      </button>{' '}
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        Close
      </button>
      <CorrectionHistory
        title={`Adverse event ${ae.term}: history`}
        versions={history.data ?? []}
        zone={zone}
      />
    </form>
  );
}

/** One event's recorded values in a line. */
export function AdverseEventSummary({ ae }: { ae: AdverseEvent }) {
  return (
    <span>
      <strong>{ae.term}</strong>
      {ae.meddraCode ? ` [MedDRA ${ae.meddraCode}]` : ''} · {label(AE_SEVERITY_CODES, ae.severity)}
      {ae.ctcaeGrade ? ` · CTCAE grade ${ae.ctcaeGrade}` : ''} · onset {formatDate(ae.onsetDate)} ·{' '}
      {ae.endDate ? `ended ${formatDate(ae.endDate)}` : 'ongoing'} ·{' '}
      {label(AE_OUTCOME_CODES, ae.outcome)}
      {ae.serious
        ? ` · serious (${(ae.seriousnessCriteria ?? []).map((c) => label(SERIOUSNESS_CRITERION_CODES, c)).join(', ')})`
        : ''}
      {ae.susar && (
        <>
          {' '}
          <Tag tone="bad">SUSAR</Tag>
        </>
      )}
      {ae.assessments.length > 0 && (
        <>
          {' '}
          · causality:{' '}
          {ae.assessments
            .map(
              (a) =>
                `${label(AE_INTERVENTION_CODES, a.intervention)} ${label(AE_CAUSALITY_CODES, a.causality).toLowerCase()}` +
                (a.expectedness
                  ? `, ${a.expectedness} (${a.expectednessBy ?? 'investigator'}, RSI ${a.rsiVersion ?? '?'})`
                  : ''),
            )
            .join('; ')}
        </>
      )}
      {ae.visitCode ? ` · at ${ae.visitCode}` : ' · between visits'}
    </span>
  );
}

/** A participant's adverse events (filters, paging) and the between-visits report. */
export function ParticipantAdverseEvents({
  participantId,
  arm,
  zone,
  canReport,
}: {
  participantId: string;
  arm: string | null | undefined;
  zone: string;
  canReport: boolean;
}) {
  const [filter, setFilter] = useState<'all' | 'open' | 'resolved' | 'susar' | 'serious'>('all');
  const [page, setPage] = useState(1);
  const [reporting, setReporting] = useState(false);
  const pageSize = 20;
  const query = useQuery({
    queryKey: ['participant', participantId, 'adverse-events', filter, page],
    queryFn: () =>
      call(
        api.GET('/follow-up/adverse-events', {
          params: {
            query: {
              participantId,
              page,
              pageSize,
              ...(filter === 'open' || filter === 'resolved' ? { status: filter } : {}),
              ...(filter === 'susar' ? { susar: true } : {}),
              ...(filter === 'serious' ? { serious: true } : {}),
            },
          },
        }),
      ),
  });
  return (
    <section aria-labelledby="ae-h">
      <h2 id="ae-h">Adverse events</h2>
      <div className="row">
        <Field label="Show">
          {(c) => (
            <select
              {...c}
              value={filter}
              onChange={(e) => (setFilter(e.target.value as typeof filter), setPage(1))}
            >
              <option value="all">All</option>
              <option value="open">Open (followed up)</option>
              <option value="resolved">Resolved</option>
              <option value="serious">Serious</option>
              <option value="susar">SUSAR</option>
            </select>
          )}
        </Field>
        {canReport && !reporting && (
          <div className="field">
            <button type="button" onClick={() => setReporting(true)}>
              Report adverse event
            </button>
          </div>
        )}
      </div>
      {reporting && (
        <ReportAdverseEventForm
          participantId={participantId}
          arm={arm}
          zone={zone}
          onDone={() => setReporting(false)}
        />
      )}
      <QueryView query={query} what="the adverse events">
        {(p) =>
          p.items.length === 0 ? (
            <p>No adverse events.</p>
          ) : (
            <>
              <ul>
                {p.items.map((ae) => (
                  <li key={ae.id}>
                    <ParticipantAdverseEvent ae={ae} zone={zone} canReport={canReport} />
                  </li>
                ))}
              </ul>
              <Pager page={page} pageSize={pageSize} total={p.total} onPage={setPage} />
            </>
          )
        }
      </QueryView>
    </section>
  );
}

/**
 * One adverse event on the participant's page (at a visit or between visits), with its data queries
 * (marked on the follow-up update and the correction form, and their panel); the site may update
 * and correct it.
 */
function ParticipantAdverseEvent({
  ae,
  zone,
  canReport,
}: {
  ae: AdverseEvent;
  zone: string;
  canReport: boolean;
}) {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  const queries = useRecordQueries(ae.participantId, 'adverse_event', ae.id);
  const unresolved = (queries.data ?? []).filter(isUnresolved).length;
  const raiser = hasRole('monitor', 'statistician');
  return (
    <QueryMarks queries={queries.data}>
      <AdverseEventSummary ae={ae} />
      {unresolved > 0 && (
        <>
          {' '}
          <Tag tone="warn">{t('queries.panel.count', { count: unresolved })}</Tag>
        </>
      )}
      <AdverseEventClocks ae={ae} zone={zone} />
      {canReport && (
        <>
          <AdverseEventFollowUp ae={ae} zone={zone} /> <CorrectAdverseEvent ae={ae} zone={zone} />
        </>
      )}
      {(raiser || (queries.data ?? []).length > 0) && (
        <RecordQueries
          recordEntity="adverse_event"
          recordId={ae.id}
          siteId={ae.siteId}
          what={t('queries.what.adverseEvent', { term: ae.term })}
          queries={queries}
          targets={recordTargets(
            'adverse_event',
            ae as unknown as Record<string, unknown>,
            { assessments: { key: 'intervention', name: (k) => label(AE_INTERVENTION_CODES, k) } },
            (k) => t(k),
            t('queries.raise.any'),
          )}
          correctHint={canReport ? t('queries.correctHint.adverseEvent') : undefined}
          level={3}
        />
      )}
    </QueryMarks>
  );
}
