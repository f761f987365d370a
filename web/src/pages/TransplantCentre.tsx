import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { CalendarSubscribe } from '../components/CalendarSubscribe';
import { api, call } from '../api/client';
import type { Booking } from '../api/client';
import { useSession, useUser } from '../auth/session';
import { CorrectionHistory } from '../components/History';
import { DataTable, ErrorBox, Field, QueryView, Tag } from '../components/ui';
import { applyServerErrors } from '../lib/forms';
import { humanise } from '../lib/labels';
import { useSites } from '../lib/reference';
import { DEFAULT_ZONE, formatDate, formatDayOf, formatInstant } from '../lib/time';

const col = createColumnHelper<Booking>();
const LIVE = ['booked', 'waitlisted', 'done'];

/** Quarters with capacity, bookings, waitlist, waiting-time reviews and the arm-A plan. */
/** Bookings that gave their place back (their calendar event is cancelled). */
const ENDED = ['cancelled', 'not_done'];

export function TransplantCentre() {
  const user = useUser();
  const sites = useSites();
  const centres = (sites.data ?? []).filter((s) => s.roles.includes('transplant_centre'));
  const mine = user.siteIds.map((id) => sites.data?.find((s) => s.id === id)).filter((s) => !!s);
  const defaultCentre =
    mine.find((s) => s.roles.includes('transplant_centre'))?.id ??
    mine.find((s) => s.transplantCentreId)?.transplantCentreId ??
    centres[0]?.id ??
    '';
  const [chosen, setChosen] = useState('');
  const centreId = chosen || defaultCentre;
  const [selected, setSelected] = useState<string | null>(null);
  if (sites.isPending || sites.isError)
    return (
      <>
        <h1>Transplant centre</h1>
        <QueryView query={sites} what="the sites">
          {() => null}
        </QueryView>
      </>
    );
  const centre = centres.find((c) => c.id === centreId);
  return (
    <>
      <h1>Transplant centre{centre ? `: ${centre.name}` : ''}</h1>
      <Field label="Centre">
        {(c) => (
          <select
            {...c}
            value={centreId}
            onChange={(e) => {
              setChosen(e.target.value);
              setSelected(null);
            }}
          >
            {centres.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label} · {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {centreId && (
        <>
          <Quarters centreId={centreId} />
          <AwaitingBooking centreId={centreId} onBooked={setSelected} />
          <Bookings centreId={centreId} zone={centre?.timeZone} onOpen={setSelected} />
          <CalendarSubscribe key={centreId} kind="admissions" siteId={centreId} />
          {selected && <BookingDetail bookingId={selected} onClose={() => setSelected(null)} />}
          <WaitlistView centreId={centreId} onOpen={setSelected} />
        </>
      )}
    </>
  );
}

function Quarters({ centreId }: { centreId: string }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const query = useQuery({
    queryKey: ['centre', centreId, 'quarters'],
    queryFn: () =>
      call(api.GET('/scheduling/centres/{centreId}/quarters', { params: { path: { centreId } } })),
  });
  const fill = useMutation({
    mutationFn: () =>
      call(api.POST('/scheduling/centres/{centreId}/fill', { params: { path: { centreId } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['centre', centreId] }),
  });
  return (
    <section aria-labelledby="quarters-h">
      <h2 id="quarters-h">Quarters and capacity</h2>
      <QueryView query={query} what="the quarters">
        {(r) => (
          <>
            <p className="small">
              Lead time {r.leadTimeDays} days; waiting-time limit {r.waitLimitMonths} months. An
              arm-A allocation today would be admitted{' '}
              {r.projectedWait.waitlisted ? (
                <Tag tone="bad">on the waitlist (no free place within the horizon)</Tag>
              ) : (
                <>
                  in {r.projectedWait.quarter} from {formatDate(r.projectedWait.earliestAdmission)}{' '}
                  ({r.projectedWait.waitText})
                  {r.projectedWait.exceedsWaitLimit && (
                    <Tag tone="warn">beyond the waiting-time limit</Tag>
                  )}
                </>
              )}
              .
            </p>
            <div className="table-wrap">
              <table>
                <caption>Transplant places per quarter</caption>
                <thead>
                  <tr>
                    <th scope="col">Quarter</th>
                    <th scope="col">Capacity</th>
                    <th scope="col">Booked</th>
                    <th scope="col">Done</th>
                    <th scope="col">Pending review</th>
                    <th scope="col">Free</th>
                  </tr>
                </thead>
                <tbody>
                  {r.quarters.map((q) => (
                    <tr key={q.quarter}>
                      <th scope="row">{q.quarter}</th>
                      <td>
                        {q.capacity}
                        {q.overridden && (
                          <span className="small muted"> (set for this quarter)</span>
                        )}
                      </td>
                      <td>{q.booked}</td>
                      <td>{q.done}</td>
                      <td>{q.pendingReview > 0 ? <Tag tone="warn">{q.pendingReview}</Tag> : 0}</td>
                      <td>{q.free > 0 ? <Tag tone="ok">{q.free}</Tag> : 0}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {hasRole('coordinator', 'investigator') && (
              <button
                type="button"
                className="secondary"
                onClick={() => fill.mutate()}
                disabled={fill.isPending}
              >
                Offer free places to the waitlist
              </button>
            )}
            {fill.data && (
              <div className="alert ok" role="status">
                {fill.data.movedUp.length} booking(s) moved up.
              </div>
            )}
            <ErrorBox error={fill.error} />
          </>
        )}
      </QueryView>
    </section>
  );
}

function useCentreBookings(centreId: string) {
  return useQuery({
    queryKey: ['centre', centreId, 'bookings'],
    queryFn: () =>
      call(api.GET('/scheduling/bookings', { params: { query: { centreId, pageSize: 200 } } })),
  });
}

/** Arm-A participants of the sites this centre serves who have no live booking. */
function AwaitingBooking({
  centreId,
  onBooked,
}: {
  centreId: string;
  onBooked: (id: string) => void;
}) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const sites = useSites();
  const served = new Set(
    (sites.data ?? [])
      .filter((s) => s.transplantCentreId === centreId || s.id === centreId)
      .map((s) => s.id),
  );
  const bookings = useCentreBookings(centreId);
  const armA = useQuery({
    queryKey: ['allocations', 'arm-A'],
    queryFn: () =>
      call(api.GET('/allocations', { params: { query: { arm: 'A', pageSize: 200 } } })),
    enabled: hasRole('coordinator', 'investigator', 'site_staff', 'monitor'),
  });
  const book = useMutation({
    mutationFn: (participantId: string) =>
      call(
        api.POST('/scheduling/participants/{participantId}/booking', {
          params: { path: { participantId } },
        }),
      ),
    onSuccess: async (b) => {
      await qc.invalidateQueries({ queryKey: ['centre', centreId] });
      onBooked(b.id);
    },
  });
  if (!armA.data || !bookings.data) return null;
  const live = new Set(
    bookings.data.items.filter((b) => LIVE.includes(b.status)).map((b) => b.participantId),
  );
  const waiting = armA.data.items.filter(
    (a) =>
      served.has(a.siteId) &&
      !live.has(a.participantId) &&
      a.receivedAllocatedIntervention !== false,
  );
  if (waiting.length === 0) return null;
  return (
    <section aria-labelledby="await-h">
      <h2 id="await-h">Arm-A participants without a booking</h2>
      <ul>
        {waiting.map((a) => (
          <li key={a.participantId}>
            <Link to={`/participants/${a.participantId}`}>{a.studyId}</Link> ({a.siteLabel},
            randomised{' '}
            {formatDayOf(a.randomisedAt, sites.data?.find((x) => x.id === a.siteId)?.timeZone)}){' '}
            {hasRole('coordinator', 'investigator') && (
              <button
                type="button"
                onClick={() => book.mutate(a.participantId)}
                disabled={book.isPending}
                aria-label={`Book a transplant place for ${a.studyId}`}
              >
                Book a place
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorBox error={book.error} title="Not booked" />
    </section>
  );
}

function Bookings({
  centreId,
  zone,
  onOpen,
}: {
  centreId: string;
  zone?: string;
  onOpen: (id: string) => void;
}) {
  const query = useCentreBookings(centreId);
  const columns = [
    col.accessor('studyId', { header: 'Participant', cell: (c) => c.getValue() ?? '—' }),
    col.accessor('siteLabel', { header: 'From site' }),
    col.accessor('status', {
      header: 'Status',
      cell: (c) =>
        ENDED.includes(c.getValue()) ? (
          <span title={c.row.original.endedReason ?? undefined}>
            <Tag tone="bad">{humanise(c.getValue())}</Tag>{' '}
            <span className="muted small">{c.row.original.endedReason}</span>
          </span>
        ) : c.getValue() === 'booked' && c.row.original.transplantDay0 ? (
          <>
            Booked <Tag tone="warn">day 0 recorded, earlier phases open</Tag>
          </>
        ) : (
          humanise(c.getValue())
        ),
    }),
    col.accessor('quarter', { header: 'Quarter', cell: (c) => c.getValue() ?? '—' }),
    col.accessor('plannedAdmissionDate', {
      header: 'Planned admission',
      cell: (c) => formatDate(c.getValue()),
    }),
    col.accessor((b) => b.wait?.days ?? 0, {
      id: 'wait',
      header: 'Wait after randomisation',
      cell: (c) => (
        <>
          {c.row.original.wait?.text ?? '—'}{' '}
          {c.row.original.exceedsWaitLimit && (
            <Tag tone="warn">over {c.row.original.waitLimitMonths} months</Tag>
          )}
        </>
      ),
    }),
    col.accessor('reviewStatus', {
      header: 'Review',
      cell: (c) =>
        c.getValue() === 'pending' ? (
          <Tag tone="bad">review needed</Tag>
        ) : c.getValue() === 'not_required' ? (
          '—'
        ) : (
          humanise(c.getValue())
        ),
    }),
    col.display({
      id: 'open',
      header: 'Details',
      cell: (c) => (
        <button
          type="button"
          className="secondary"
          onClick={() => onOpen(c.row.original.id)}
          aria-label={`Open the booking of ${c.row.original.studyId ?? 'participant'}`}
        >
          Open
        </button>
      ),
    }),
  ];
  const [showEnded, setShowEnded] = useState(true);
  return (
    <section aria-labelledby="bookings-h">
      <h2 id="bookings-h">Bookings</h2>
      <label className="small">
        <input
          type="checkbox"
          checked={showEnded}
          onChange={(e) => setShowEnded(e.target.checked)}
        />{' '}
        Show cancelled and not-done bookings (withdrawn, died, lost, intervention discontinued,
        referred)
      </label>
      <QueryView query={query} what="bookings">
        {(p) => {
          const ended = p.items.filter((b) => ENDED.includes(b.status)).length;
          return (
            <DataTable
              data={showEnded ? p.items : p.items.filter((b) => !ENDED.includes(b.status))}
              columns={columns}
              caption={`${p.total} booking(s), ${ended} cancelled or not done; admission dates are calendar days at the centre${zone ? ` (${zone})` : ''}`}
              empty="No bookings at this centre."
            />
          );
        }}
      </QueryView>
    </section>
  );
}

function WaitlistView({ centreId, onOpen }: { centreId: string; onOpen: (id: string) => void }) {
  const query = useQuery({
    queryKey: ['centre', centreId, 'waitlist'],
    queryFn: () =>
      call(api.GET('/scheduling/centres/{centreId}/waitlist', { params: { path: { centreId } } })),
  });
  return (
    <section aria-labelledby="waitlist-h">
      <h2 id="waitlist-h">Queue and waitlist</h2>
      <QueryView query={query} what="the waitlist">
        {(w) =>
          w.items.length === 0 ? (
            <p className="muted">Nobody is waiting.</p>
          ) : (
            <ol>
              {w.items.map((e) => (
                <li key={e.bookingId}>
                  <button type="button" className="link" onClick={() => onOpen(e.bookingId)}>
                    {e.studyId ?? 'participant'}
                  </button>{' '}
                  ({e.siteLabel}):{' '}
                  {e.status === 'waitlisted' ? (
                    <Tag tone="warn">waitlisted</Tag>
                  ) : (
                    `booked for ${e.quarter}`
                  )}
                  , waiting {e.waitingDays} days
                  {e.reviewStatus === 'pending' && <Tag tone="bad">review needed</Tag>}
                </li>
              ))}
            </ol>
          )
        }
      </QueryView>
    </section>
  );
}

type RecordedPhase = {
  code: string;
  outcome?: string | null;
  actualStart?: string | null;
  actualEnd?: string | null;
  version?: number | null;
};
type PhaseForm = {
  outcome: 'done' | 'not_done';
  actualStart: string;
  actualEnd: string;
  reason: string;
};
type ReviewForm = {
  outcome: 'accept_wait' | 'refer' | 'second_line';
  reason: string;
  centreId: string;
};
type MoveForm = { plannedAdmissionDate: string; reason: string };

function BookingDetail({ bookingId, onClose }: { bookingId: string; onClose: () => void }) {
  const qc = useQueryClient();
  const { hasRole } = useSession();
  const sites = useSites();
  const query = useQuery({
    queryKey: ['booking', bookingId],
    queryFn: () =>
      call(api.GET('/scheduling/bookings/{bookingId}', { params: { path: { bookingId } } })),
  });
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ['booking', bookingId] });
    await qc.invalidateQueries({ queryKey: ['centre'] });
  };
  const [phase, setPhaseCode] = useState<string | null>(null);
  const [opened, setOpened] = useState<RecordedPhase | null>(null);
  const phaseForm = useForm<PhaseForm>({
    defaultValues: { outcome: 'done', actualStart: '', actualEnd: '', reason: '' },
  });
  /** Opens the phase form on the recorded values (a correction starts from them). */
  const setPhase = (p: RecordedPhase | null) => {
    setPhaseCode(p?.code ?? null);
    setOpened(p && p.outcome ? p : null);
    phaseForm.reset({
      outcome: (p?.outcome as PhaseForm['outcome'] | null) ?? 'done',
      actualStart: p?.actualStart ?? '',
      actualEnd: p?.actualEnd ?? '',
      reason: '',
    });
  };
  const phaseHistory = useQuery({
    queryKey: ['booking', bookingId, 'phase-history', phase, opened?.version],
    enabled: !!opened,
    queryFn: () =>
      call(
        api.GET('/scheduling/bookings/{bookingId}/phases/{phase}/history', {
          params: { path: { bookingId, phase: phase as string } },
        }),
      ),
  });
  const recordPhase = useMutation({
    mutationFn: (v: PhaseForm) =>
      call(
        api.PUT('/scheduling/bookings/{bookingId}/phases/{phase}', {
          params: { path: { bookingId, phase: phase as string } },
          // A correction sends only what changed, with the version it was based on.
          body: opened
            ? {
                ...(v.outcome !== opened.outcome ? { outcome: v.outcome } : {}),
                ...(v.actualStart && v.actualStart !== opened.actualStart
                  ? { actualStart: v.actualStart }
                  : {}),
                ...(v.actualEnd && v.actualEnd !== opened.actualEnd
                  ? { actualEnd: v.actualEnd }
                  : {}),
                ...(v.reason ? { reason: v.reason } : {}),
                ...(opened.version !== null && opened.version !== undefined
                  ? { expectedVersion: opened.version }
                  : {}),
              }
            : {
                outcome: v.outcome,
                ...(v.actualStart ? { actualStart: v.actualStart } : {}),
                ...(v.actualEnd ? { actualEnd: v.actualEnd } : {}),
                ...(v.reason ? { reason: v.reason } : {}),
              },
        }),
      ),
    onSuccess: async () => {
      setPhase(null);
      phaseForm.reset();
      await refresh();
    },
    onError: (e) =>
      applyServerErrors(e, phaseForm.setError, ['actualStart', 'actualEnd', 'reason', 'outcome']),
  });
  const reviewForm = useForm<ReviewForm>({
    defaultValues: { outcome: 'accept_wait', reason: '', centreId: '' },
  });
  const review = useMutation({
    mutationFn: (v: ReviewForm) =>
      call(
        api.POST('/scheduling/bookings/{bookingId}/review', {
          params: { path: { bookingId } },
          body: {
            outcome: v.outcome,
            reason: v.reason,
            ...(v.outcome === 'refer' ? { centreId: v.centreId } : {}),
          },
        }),
      ),
    onSuccess: refresh,
  });
  const moveForm = useForm<MoveForm>({ defaultValues: { plannedAdmissionDate: '', reason: '' } });
  const move = useMutation({
    mutationFn: (v: MoveForm) =>
      call(
        api.PATCH('/scheduling/bookings/{bookingId}/admission', {
          params: { path: { bookingId } },
          body: v,
        }),
      ),
    onSuccess: async () => {
      moveForm.reset();
      await refresh();
    },
    onError: (e) => applyServerErrors(e, moveForm.setError, ['plannedAdmissionDate', 'reason']),
  });
  return (
    <section className="panel" aria-labelledby="booking-h">
      <QueryView query={query} what="the booking">
        {(b) => (
          <>
            <h2 id="booking-h" style={{ marginTop: 0 }}>
              Booking of {b.studyId ?? 'participant'} at {b.centreLabel}
            </h2>
            <p>
              {humanise(b.status)}
              {b.quarter ? ` for ${b.quarter}` : ''}; randomised {formatDate(b.randomisationDate)},
              earliest admission {formatDate(b.earliestAdmissionDate)}, planned admission{' '}
              {formatDate(b.plannedAdmissionDate)}
              {b.wait ? ` (${b.wait.text} after randomisation)` : ''}.{' '}
              {b.exceedsWaitLimit && (
                <Tag tone="warn">beyond the {b.waitLimitMonths}-month limit</Tag>
              )}
            </p>
            {ENDED.includes(b.status) && (
              <div className="alert warn" role="status">
                <strong>{humanise(b.status)}</strong>
                {b.endedReason ? `: ${b.endedReason}` : ''}. The place was given back and the
                calendar event is cancelled.
              </div>
            )}
            {b.status === 'booked' && b.transplantDay0 && (
              <div className="alert warn" role="status">
                Day 0 is recorded ({formatDate(b.transplantDay0)}); the booking is done once every
                earlier phase is recorded (or marked not done with a reason).
              </div>
            )}
            {b.reviewStatus === 'pending' && (
              <div className="alert warn">
                <strong>Waiting-time review needed</strong> (flagged{' '}
                {formatInstant(b.flaggedAt, b.centreTimeZone)}): the wait is beyond the limit.
                Patient health comes first: accept the wait, refer to another centre, or advise a
                second-line drug instead (the participant then does not receive aHSCT).
                {hasRole('investigator') ? (
                  <form
                    onSubmit={reviewForm.handleSubmit((v) => review.mutate(v))}
                    noValidate
                    className="row"
                    style={{ marginTop: '0.5rem' }}
                  >
                    <Field label="Decision">
                      {(c) => (
                        <select {...c} {...reviewForm.register('outcome')}>
                          <option value="accept_wait">Accept the wait</option>
                          <option value="refer">Refer to another centre</option>
                          <option value="second_line">Second-line drug instead</option>
                        </select>
                      )}
                    </Field>
                    {reviewForm.watch('outcome') === 'refer' && (
                      <Field label="Refer to">
                        {(c) => (
                          <select
                            {...c}
                            {...reviewForm.register('centreId', { required: 'Choose the centre' })}
                          >
                            <option value="">Choose…</option>
                            {(sites.data ?? [])
                              .filter(
                                (s) => s.roles.includes('transplant_centre') && s.id !== b.centreId,
                              )
                              .map((s) => (
                                <option key={s.id} value={s.id}>
                                  {s.label} · {s.name}
                                </option>
                              ))}
                          </select>
                        )}
                      </Field>
                    )}
                    <Field label="Reason" error={reviewForm.formState.errors.reason?.message}>
                      {(c) => (
                        <input
                          {...c}
                          {...reviewForm.register('reason', { required: 'Give the reason' })}
                        />
                      )}
                    </Field>
                    <div className="field">
                      <button type="submit" disabled={review.isPending}>
                        Record the review
                      </button>
                    </div>
                  </form>
                ) : (
                  <p>An investigator records the review.</p>
                )}
                <ErrorBox error={review.error} title="Review not recorded" />
              </div>
            )}
            {b.plan ? (
              <>
                <h3>Arm-A plan</h3>
                <p className="small">
                  Admission {formatDate(b.plan.admissionDate)}, transplant day 0{' '}
                  {formatDate(b.plan.plannedTransplantDay0)}, discharge{' '}
                  {formatDate(b.plan.dischargeDate)}
                  {b.transplantDay0 ? `; actual day 0 ${formatDate(b.transplantDay0)}` : ''}.
                </p>
                <div className="table-wrap">
                  <table>
                    <caption>Phases with planned and actual dates</caption>
                    <thead>
                      <tr>
                        <th scope="col">Phase</th>
                        <th scope="col">Planned</th>
                        <th scope="col">Recorded</th>
                        <th scope="col">
                          <span className="visually-hidden">Action</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {b.plan.phases.map((p) => (
                        <tr key={p.code}>
                          <th scope="row">{p.name}</th>
                          <td className="nowrap">
                            {formatDate(p.plannedStart)} – {formatDate(p.plannedEnd)}
                          </td>
                          <td className="nowrap">
                            {p.outcome === 'done'
                              ? `${formatDate(p.actualStart as unknown as string)} – ${formatDate(p.actualEnd as unknown as string)}`
                              : p.outcome === 'not_done'
                                ? `Not done: ${String(p.reason ?? '')}`
                                : '—'}
                          </td>
                          <td>
                            {hasRole('coordinator', 'investigator', 'site_staff') && (
                              <button
                                type="button"
                                className="secondary"
                                onClick={() => setPhase(p as RecordedPhase)}
                                aria-label={`${p.outcome ? 'Correct' : 'Record'} phase: ${p.name}`}
                              >
                                {p.outcome ? 'Correct' : 'Record'}
                              </button>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                {phase && (
                  <form
                    onSubmit={phaseForm.handleSubmit((v) => recordPhase.mutate(v))}
                    noValidate
                    className="panel"
                    aria-label={`Record phase ${phase}`}
                  >
                    <h3 style={{ marginTop: 0 }}>Record phase {phase}</h3>
                    <div className="row">
                      <Field label="Outcome">
                        {(c) => (
                          <select {...c} {...phaseForm.register('outcome')}>
                            <option value="done">Done</option>
                            <option value="not_done">Not done</option>
                          </select>
                        )}
                      </Field>
                      <Field
                        label="Actual first day"
                        error={phaseForm.formState.errors.actualStart?.message}
                      >
                        {(c) => <input {...c} type="date" {...phaseForm.register('actualStart')} />}
                      </Field>
                      <Field
                        label="Actual last day"
                        error={phaseForm.formState.errors.actualEnd?.message}
                      >
                        {(c) => <input {...c} type="date" {...phaseForm.register('actualEnd')} />}
                      </Field>
                      <Field
                        label="Reason (when not done, or correcting)"
                        error={phaseForm.formState.errors.reason?.message}
                      >
                        {(c) => <input {...c} {...phaseForm.register('reason')} />}
                      </Field>
                    </div>
                    <button type="submit" disabled={recordPhase.isPending}>
                      Save phase
                    </button>{' '}
                    <button type="button" className="secondary" onClick={() => setPhase(null)}>
                      Cancel
                    </button>
                    <ErrorBox error={recordPhase.error} title="Phase not recorded" />
                    {opened && (
                      <CorrectionHistory
                        title={`Phase ${phase}: history`}
                        versions={phaseHistory.data ?? []}
                        zone={DEFAULT_ZONE}
                      />
                    )}
                  </form>
                )}
              </>
            ) : (
              <p className="muted">No plan yet: the plan follows from a planned admission date.</p>
            )}
            {['booked'].includes(b.status) &&
              hasRole('coordinator', 'investigator', 'site_staff') && (
                <form
                  onSubmit={moveForm.handleSubmit((v) => move.mutate(v))}
                  noValidate
                  className="row"
                  aria-label="Planned admission"
                >
                  <Field
                    label="Planned admission date"
                    error={moveForm.formState.errors.plannedAdmissionDate?.message}
                  >
                    {(c) => (
                      <input
                        {...c}
                        type="date"
                        {...moveForm.register('plannedAdmissionDate', {
                          required: 'Enter the date',
                        })}
                      />
                    )}
                  </Field>
                  <Field label="Reason" error={moveForm.formState.errors.reason?.message}>
                    {(c) => (
                      <input
                        {...c}
                        {...moveForm.register('reason', { required: 'Give the reason' })}
                      />
                    )}
                  </Field>
                  <div className="field">
                    <button type="submit" disabled={move.isPending}>
                      Set admission date
                    </button>
                  </div>
                </form>
              )}
            <ErrorBox error={move.error} title="Admission date not changed" />
            <button type="button" className="secondary" onClick={onClose}>
              Close booking
            </button>
          </>
        )}
      </QueryView>
    </section>
  );
}
