import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useForm } from 'react-hook-form';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../api/client';
import type { Identity, Participant, ScreeningRecord } from '../../api/client';
import { useSession } from '../../auth/session';
import { RecordQueries } from '../../components/DataQueries';
import { recordTargets } from '../../lib/query-paths';
import { DataTable, ErrorBox, Field, QueryView, Tag } from '../../components/ui';
import { QueryMarks, useRecordQueries } from '../../lib/query-marks';
import { STATUS_LABELS, WAITING_FOR } from '../../lib/labels';
import { useZone } from '../../lib/reference';
import { durationSince, formatDate, formatInstant, todayIn } from '../../lib/time';
import { participantName } from '../Worklist';
import { ParticipantAdverseEvents } from '../AdverseEvents';
import { Assessments, EligibilityView } from './Eligibility';
import {
  Consent,
  History,
  PathwaySteps,
  Reconsent,
  RecordedConsent,
  ScreenFailure,
  Withdrawal,
} from './Pathway';
import { Randomisation, wasRandomised } from './Randomisation';
import { ScreeningForm, ScreeningHistory } from './ScreeningForm';
import { SourceDataVerification } from './SourceDataVerification';
import { CasebookSignOff } from './CasebookSignOff';

const SCREENING_READERS = ['coordinator', 'investigator', 'monitor', 'statistician'] as const;

export function ParticipantPage() {
  const { id = '' } = useParams();
  const query = useQuery({
    queryKey: ['participant', id],
    queryFn: () => call(api.GET('/participants/{id}', { params: { path: { id } } })),
  });
  return (
    <QueryView query={query} what="the participant">
      {(p) => <ParticipantView participant={p} />}
    </QueryView>
  );
}

function ParticipantView({ participant: p }: { participant: Participant }) {
  const zone = useZone(p.siteId);
  const { hasRole } = useSession();
  const blinded =
    hasRole('blinded_assessor') &&
    !hasRole('coordinator', 'investigator', 'site_staff', 'statistician', 'monitor');
  const readsScreening = hasRole(...SCREENING_READERS);
  const inScreening = [
    'registered',
    'phone_check_done',
    'records_reviewed',
    'screening_visit_planned',
    'screening_visit_done',
    'eligible',
    'ineligible',
    'consented',
  ].includes(p.status);
  return (
    <>
      <h1>{participantName(p)}</h1>
      <p>
        <Tag>{STATUS_LABELS[p.status]}</Tag> at {p.siteLabel} · FHIR {p.fhirStatus} · since{' '}
        {formatInstant(p.statusChangedAt, zone)} ({durationSince(p.statusChangedAt)})
        {p.registeredAt && <> · registered {formatInstant(p.registeredAt, zone)}</>}
      </p>
      {!blinded && WAITING_FOR[p.status] && (
        <p>
          <strong>Waiting for:</strong> {WAITING_FOR[p.status]}
        </p>
      )}
      {blinded ? (
        <Visits participant={p} />
      ) : (
        <>
          <nav aria-label="On this page" className="small">
            On this page:{' '}
            {[
              ['history-h', 'Pathway'],
              ...(readsScreening && p.status !== 'pre_screened'
                ? [
                    ['screening-h', 'Screening data'],
                    ['elig-screening', 'Eligibility'],
                    ['assess-h', 'Assessments'],
                  ]
                : []),
              ...(p.status === 'consented' || wasRandomised(p)
                ? [['rand-h', 'Randomisation']]
                : []),
              ...(wasRandomised(p)
                ? [
                    ['visits-h', 'Visits'],
                    ['ae-h', 'Adverse events'],
                  ]
                : []),
              ['withdraw-h', 'Withdrawal'],
            ].map(([id, label], i) => (
              <span key={id}>
                {i > 0 && ' · '}
                <a href={`#${id}`}>{label}</a>
              </span>
            ))}
          </nav>
          <PathwaySteps participant={p} zone={zone} />
          <ScreenFailure participant={p} zone={zone} />
          <Consent participant={p} zone={zone} />
          <RecordedConsent participant={p} zone={zone} />
          <Reconsent participant={p} zone={zone} />
          <Randomisation participant={p} zone={zone} />
          <History participant={p} zone={zone} />
          {hasRole('coordinator', 'investigator') && <IdentityPanel participantId={p.id} />}
          {p.preScreening && readsScreening && <PreScreening participant={p} />}
          {readsScreening && p.status !== 'pre_screened' && (
            <>
              <Screening
                participant={p}
                editable={
                  hasRole('coordinator', 'investigator') && inScreening && p.status !== 'consented'
                }
              />
              <EligibilityView participant={p} source="screening" />
              <Assessments participant={p} zone={zone} />
              <Rescreen participant={p} />
            </>
          )}
          {wasRandomised(p) && <Visits participant={p} />}
          {wasRandomised(p) && hasRole('coordinator', 'investigator', 'site_staff', 'monitor') && (
            <AdverseEventsSection participant={p} zone={zone} />
          )}
          {p.status !== 'pre_screened' && <SourceDataVerification participant={p} zone={zone} />}
          {wasRandomised(p) && <CasebookSignOff participant={p} zone={zone} />}
          <Withdrawal participant={p} zone={zone} />
        </>
      )}
    </>
  );
}

function Screening({ participant, editable }: { participant: Participant; editable: boolean }) {
  const query = useQuery({
    queryKey: ['participant', participant.id, 'screening', participant.screeningEpisode],
    queryFn: () =>
      call(api.GET('/participants/{id}/screening', { params: { path: { id: participant.id } } })),
  });
  return (
    <QueryView query={query} what="the screening data">
      {(episode) => (
        <ScreeningEpisode
          participant={participant}
          episode={episode}
          editable={editable && episode.current && !episode.decision}
        />
      )}
    </QueryView>
  );
}

/** The screening record's form with its data queries (marked on the fields, and their panel). */
function ScreeningEpisode({
  participant,
  episode,
  editable,
}: {
  participant: Participant;
  episode: { id: string; version: number; data: unknown };
  editable: boolean;
}) {
  const { t } = useTranslation();
  const queries = useRecordQueries(participant.id, 'screening_record', episode.id);
  const data = episode.data as ScreeningRecord;
  const row = (what: string) => (_k: string, i: number) => `${what} ${i + 1}`;
  return (
    <>
      <QueryMarks queries={queries.data}>
        <ScreeningForm
          key={episode.id}
          participantId={participant.id}
          data={data}
          version={episode.version}
          editable={editable}
        />
      </QueryMarks>
      <RecordQueries
        recordEntity="screening_record"
        recordId={episode.id}
        siteId={participant.siteId}
        what={t('queries.what.screening')}
        queries={queries}
        targets={recordTargets(
          'screening',
          data as unknown as Record<string, unknown>,
          {
            relapses: { key: 'itemId', name: row('relapse') },
            mriExams: { key: 'itemId', name: row('MRI') },
            treatments: { key: 'itemId', name: row('treatment') },
          },
          (k) => t(k),
          t('queries.raise.any'),
        )}
        correctHint={editable ? t('queries.correctHint.screening') : undefined}
      />
      <ScreeningHistory
        participantId={participant.id}
        siteId={participant.siteId}
        version={episode.version}
      />
    </>
  );
}

function PreScreening({ participant }: { participant: Participant }) {
  const answers = (participant.preScreening ?? {}) as ScreeningRecord;
  return (
    <section aria-labelledby="pre-h">
      <h2 id="pre-h">Answers from the web questionnaire</h2>
      <ul>
        {answers.diagnosis?.course && <li>MS type: {answers.diagnosis.course}</li>}
        {answers.edss?.score != null && <li>EDSS (self-reported): {answers.edss.score}</li>}
        {answers.treatments && (
          <li>
            Treatments:{' '}
            {answers.treatments
              .map((t) => `${t.drug}${t.startDate ? ` since ${formatDate(t.startDate)}` : ''}`)
              .join(', ') || 'none'}
          </li>
        )}
        {answers.relapses && (
          <li>
            Relapse in the last year:{' '}
            {answers.relapses.length
              ? answers.relapses
                  .map(
                    (r) =>
                      `${formatDate(r.onsetDate)}${r.steroidTreated ? ', steroid-treated' : ''}`,
                  )
                  .join('; ')
              : 'no'}
          </li>
        )}
        {answers.mriExams && (
          <li>
            MRI activity in the last year:{' '}
            {answers.mriExams.length
              ? answers.mriExams.map((m) => formatDate(m.date)).join(', ')
              : 'no'}
          </li>
        )}
        <li>Under a neurologist: {answers.referredFromNeurology ? 'yes' : 'no'}</li>
        <li>Willing to be randomised: {answers.willingToBeRandomised ? 'yes' : 'no'}</li>
        <li>
          Willing to learn test results: {answers.willingToLearnInfectionResults ? 'yes' : 'no'}
        </li>
        <li>Pregnant or breastfeeding: {answers.pregnantOrBreastfeeding ? 'yes' : 'no'}</li>
      </ul>
      {participant.status === 'pre_screened' && (
        <EligibilityView participant={participant} source="pre_screening" />
      )}
    </section>
  );
}

/** Identity from the vault: shown only on request (every read is audited). */
function IdentityPanel({ participantId }: { participantId: string }) {
  const [show, setShow] = useState(false);
  const query = useQuery({
    queryKey: ['participant', participantId, 'identity'],
    queryFn: () =>
      call(api.GET('/participants/{id}/identity', { params: { path: { id: participantId } } })),
    enabled: show,
    gcTime: 0,
  });
  return (
    <section aria-labelledby="identity-h">
      <h2 id="identity-h">Identity</h2>
      {!show ? (
        <p>
          <button type="button" className="secondary" onClick={() => setShow(true)}>
            Show name and contact details
          </button>{' '}
          <span className="small muted">Each look is recorded in the audit trail.</span>
        </p>
      ) : (
        <QueryView query={query} what="the identity">
          {(i: Identity) => (
            <dl className="grid">
              <div>
                <dt className="label">Name</dt>
                <dd>
                  {i.givenName} {i.familyName}
                </dd>
              </div>
              <div>
                <dt className="label">Date of birth</dt>
                <dd>{formatDate(i.birthDate)}</dd>
              </div>
              {i.contact?.email && (
                <div>
                  <dt className="label">E-mail</dt>
                  <dd>{i.contact.email}</dd>
                </div>
              )}
              {i.contact?.phone && (
                <div>
                  <dt className="label">Phone</dt>
                  <dd>{i.contact.phone}</dd>
                </div>
              )}
              <div>
                <button type="button" className="secondary" onClick={() => setShow(false)}>
                  Hide
                </button>
              </div>
            </dl>
          )}
        </QueryView>
      )}
    </section>
  );
}

function Rescreen({ participant }: { participant: Participant }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const m = useMutation({
    mutationFn: () =>
      call(
        api.POST('/participants/{id}/rescreen', {
          params: { path: { id: participant.id } },
          body: {},
        }),
      ),
    onSuccess: (p) => qc.setQueryData(['participant', participant.id], p),
  });
  if (participant.status !== 'ineligible' || !hasRole('coordinator', 'investigator')) return null;
  return (
    <p>
      <button type="button" className="secondary" onClick={() => m.mutate()} disabled={m.isPending}>
        Start a new screening episode
      </button>
      <ErrorBox error={m.error} />
    </p>
  );
}

/** The participant's adverse events; the interventions to assess follow the allocated arm. */
function AdverseEventsSection({ participant, zone }: { participant: Participant; zone: string }) {
  const { hasRole } = useSession();
  const allocation = useQuery({
    queryKey: ['participant', participant.id, 'allocation'],
    queryFn: () =>
      call(
        api.GET('/participants/{id}/randomization', { params: { path: { id: participant.id } } }),
      ),
    retry: false,
  });
  return (
    <ParticipantAdverseEvents
      participantId={participant.id}
      arm={allocation.data?.arm}
      zone={zone}
      canReport={hasRole('site_staff', 'investigator', 'coordinator')}
    />
  );
}

type UnscheduledForm = { visitDate: string; reason: string; newRelapse: boolean };

/** Logs an unscheduled visit (date, reason) and opens it like any other visit. */
function AddUnscheduledVisit({ participant }: { participant: Participant }) {
  const zone = useZone(participant.siteId);
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const { register, handleSubmit, formState } = useForm<UnscheduledForm>({
    defaultValues: { visitDate: todayIn(zone), reason: 'relapse', newRelapse: false },
  });
  const add = useMutation({
    mutationFn: (v: UnscheduledForm) =>
      call(
        api.POST('/follow-up/participants/{participantId}/unscheduled-visits', {
          params: { path: { participantId: participant.id } },
          body: {
            visitDate: v.visitDate,
            reason: v.reason as 'relapse',
            relapseAssessment: v.newRelapse
              ? { newRelapse: true, relapses: [{ onsetDate: v.visitDate, steroidTreated: false }] }
              : { newRelapse: false },
          },
        }),
      ),
    onSuccess: async (detail) => {
      await qc.invalidateQueries({ queryKey: ['participant', participant.id, 'visits'] });
      void navigate(`/visits/${detail.visit.id}`);
    },
  });
  if (!open)
    return (
      <p>
        <button type="button" className="secondary" onClick={() => setOpen(true)}>
          Add unscheduled visit
        </button>
      </p>
    );
  return (
    <form
      className="panel"
      aria-label="Add unscheduled visit"
      noValidate
      onSubmit={handleSubmit((v) => add.mutate(v))}
    >
      <div className="grid">
        <Field label="Visit date" error={formState.errors.visitDate?.message}>
          {(c) => (
            <input
              {...c}
              type="date"
              max={todayIn(zone)}
              {...register('visitDate', { required: 'Enter the visit date' })}
            />
          )}
        </Field>
        <Field label="Reason">
          {(c) => (
            <select {...c} {...register('reason')}>
              <option value="relapse">Relapse</option>
              <option value="adverse_event">Adverse event</option>
              <option value="other">Other</option>
            </select>
          )}
        </Field>
        <div className="field">
          <label>
            <input type="checkbox" {...register('newRelapse')} /> New relapse (onset taken as the
            day of this visit; correct the details on the visit)
          </label>
        </div>
      </div>
      <ErrorBox error={add.error} title="Not added" />
      <button type="submit" disabled={add.isPending}>
        Add and open the visit
      </button>{' '}
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}

/** The visit calendar: dates and status only (the same for blinded assessors). */
export function Visits({ participant }: { participant: Participant }) {
  const { hasRole } = useSession();
  const siteWriter =
    hasRole('site_staff', 'investigator', 'coordinator') && !hasRole('blinded_assessor');
  const query = useQuery({
    queryKey: ['participant', participant.id, 'visits'],
    queryFn: () =>
      call(
        api.GET('/follow-up/participants/{participantId}/visits', {
          params: { path: { participantId: participant.id } },
        }),
      ),
  });
  return (
    <section aria-labelledby="visits-h">
      <h2 id="visits-h">Visits</h2>
      {siteWriter && <AddUnscheduledVisit participant={participant} />}
      <QueryView query={query} what="the visits">
        {(visits) => (
          <DataTable
            data={visits}
            empty="No visits scheduled yet."
            columns={[
              {
                id: 'code',
                header: 'Visit',
                cell: ({ row }) => (
                  <Link
                    to={`/visits/${row.original.id}`}
                  >{`${row.original.code} · ${row.original.label}`}</Link>
                ),
              },
              {
                id: 'window',
                header: 'Window',
                cell: ({ row }) =>
                  `${formatDate(row.original.windowStart)} – ${formatDate(row.original.windowEnd)}`,
              },
              { accessorKey: 'status', header: 'Status' },
              {
                id: 'logged',
                header: 'Logged',
                cell: ({ row }) => formatDate(row.original.loggedDate),
              },
            ]}
          />
        )}
      </QueryView>
    </section>
  );
}
