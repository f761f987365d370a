/**
 * The participant pathway (docs/domain/ram-ms.md §6) as a pure state machine: the states, the legal moves
 * between them, and each state's FHIR R4 ResearchSubjectStatus. No I/O; the service applies it.
 *
 * Every move has a `kind`, which says which use case may make it: plain pathway `step`s are made
 * through POST /participants/:id/transitions; the others only by their own use case (signing an
 * assessment makes a `decision`, recording consent makes `consent`, and so on), so that the
 * preconditions of those moves can never be skipped by asking for the state directly.
 */

export const PARTICIPANT_STATUSES = [
  'pre_screened',
  'registered',
  'phone_check_done',
  'records_reviewed',
  'screening_visit_planned',
  'screening_visit_done',
  'eligible',
  'ineligible',
  'consented',
  // Added to the machine by later issues (randomisation, follow-up); listed now so the type,
  // the database CHECK and the FHIR mapping are complete.
  'randomised',
  'in_follow_up',
  'completed',
  'withdrawn',
  'lost_to_follow_up',
  'died',
  // Issue 15: a screen failure recorded at phone check, records review or the screening visit
  // (with a coded reason), distinct from a withdrawal of consent.
  'screen_failed',
] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

/** States nothing leaves. */
export const TERMINAL_STATUSES: readonly ParticipantStatus[] = [
  'completed',
  'withdrawn',
  'lost_to_follow_up',
  'died',
];

/** How follow-up of a randomised participant ends, other than by withdrawal. */
export const FOLLOW_UP_OUTCOMES = ['completed', 'lost_to_follow_up', 'died'] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];

/** States before randomisation (a withdrawal from one of these counts as "declined" in CONSORT). */
export const PRE_RANDOMISATION_STATUSES: readonly ParticipantStatus[] = [
  'pre_screened',
  'registered',
  'phone_check_done',
  'records_reviewed',
  'screening_visit_planned',
  'screening_visit_done',
  'eligible',
  'ineligible',
  'consented',
  'screen_failed',
];

/** Why a candidate failed screening before the eligibility decision (the CONSORT exclusion). */
export const SCREEN_FAILURE_REASONS = ['not_meeting_criteria', 'declined', 'other'] as const;
export type ScreenFailureReason = (typeof SCREEN_FAILURE_REASONS)[number];

/** Where in the pathway the screen failure was found. */
export const SCREEN_FAILURE_STAGES = ['phone_check', 'records_review', 'screening_visit'] as const;
export type ScreenFailureStage = (typeof SCREEN_FAILURE_STAGES)[number];

/** The states a screen failure may be recorded from, and the stage each one implies by default. */
export const SCREEN_FAILURE_FROM: Readonly<Partial<Record<ParticipantStatus, ScreenFailureStage>>> =
  {
    registered: 'phone_check',
    phone_check_done: 'records_review',
    records_reviewed: 'screening_visit',
    screening_visit_planned: 'screening_visit',
    screening_visit_done: 'screening_visit',
  };

export const TRANSITION_KINDS = [
  /** A pathway step a coordinator records (phone check done, records reviewed, …). */
  'step',
  /** An investigator signed an eligibility assessment. */
  'decision',
  /** The signature behind a decision became void (the screening data it judged changed). */
  'reopen',
  /** Informed consent was recorded after a signed eligible assessment. */
  'consent',
  /** A screen failure starts a new screening episode (docs/domain/ram-ms.md §9 Q14). */
  'rescreen',
  /** The randomisation module allocated an arm. */
  'randomisation',
  /** Withdrawal, possible from any non-terminal state (§6 step 8). */
  'withdrawal',
  /** A screen failure with a coded reason (phone check, records review, screening visit). */
  'screen_failure',
  /** The end of follow-up of a randomised participant: completed, lost to follow-up or died. */
  'outcome',
] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

export type Transition = { from: ParticipantStatus; to: ParticipantStatus; kind: TransitionKind };

const PATHWAY: readonly ParticipantStatus[] = [
  'pre_screened',
  'registered',
  'phone_check_done',
  'records_reviewed',
  'screening_visit_planned',
  'screening_visit_done',
];

function build(): Transition[] {
  const edges: Transition[] = [];
  for (let i = 0; i + 1 < PATHWAY.length; i++) {
    edges.push({ from: PATHWAY[i], to: PATHWAY[i + 1], kind: 'step' });
  }
  edges.push(
    { from: 'screening_visit_done', to: 'eligible', kind: 'decision' },
    { from: 'screening_visit_done', to: 'ineligible', kind: 'decision' },
    // A late finding after consent (e.g. a positive TB test) still ends in a screen failure.
    { from: 'consented', to: 'ineligible', kind: 'decision' },
    { from: 'eligible', to: 'screening_visit_done', kind: 'reopen' },
    { from: 'ineligible', to: 'screening_visit_done', kind: 'reopen' },
    { from: 'eligible', to: 'consented', kind: 'consent' },
    { from: 'ineligible', to: 'registered', kind: 'rescreen' },
    { from: 'screen_failed', to: 'registered', kind: 'rescreen' },
    { from: 'consented', to: 'randomised', kind: 'randomisation' },
  );
  for (const from of Object.keys(SCREEN_FAILURE_FROM) as ParticipantStatus[]) {
    edges.push({ from, to: 'screen_failed', kind: 'screen_failure' });
  }
  for (const from of ['randomised', 'in_follow_up'] as const) {
    for (const to of FOLLOW_UP_OUTCOMES) {
      edges.push({ from, to, kind: 'outcome' });
    }
  }
  for (const from of PARTICIPANT_STATUSES) {
    if (!TERMINAL_STATUSES.includes(from)) {
      edges.push({ from, to: 'withdrawn', kind: 'withdrawal' });
    }
  }
  return edges;
}

/** Every legal move. Later issues append theirs (randomised → in_follow_up → completed, …). */
export const TRANSITIONS: readonly Transition[] = build();

export function isParticipantStatus(value: unknown): value is ParticipantStatus {
  return typeof value === 'string' && (PARTICIPANT_STATUSES as readonly string[]).includes(value);
}

/** The legal move from `from` to `to`, or null when there is none. */
export function findTransition(from: ParticipantStatus, to: ParticipantStatus): Transition | null {
  return TRANSITIONS.find((t) => t.from === from && t.to === to) ?? null;
}

/** The moves out of a state, optionally only of one kind (e.g. the manual steps for a UI). */
export function nextTransitions(from: ParticipantStatus, kind?: TransitionKind): Transition[] {
  return TRANSITIONS.filter((t) => t.from === from && (kind === undefined || t.kind === kind));
}

export function isTerminal(status: ParticipantStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export type TransitionCheck =
  | { ok: true; transition: Transition }
  | { ok: false; problem: 'illegal' }
  | { ok: false; problem: 'wrong_kind'; transition: Transition };

/** Whether `from → to` is legal, and legal for a use case of `kind` (when given). */
export function checkTransition(
  from: ParticipantStatus,
  to: ParticipantStatus,
  kind?: TransitionKind,
): TransitionCheck {
  const transition = findTransition(from, to);
  if (!transition) {
    return { ok: false, problem: 'illegal' };
  }
  if (kind !== undefined && transition.kind !== kind) {
    return { ok: false, problem: 'wrong_kind', transition };
  }
  return { ok: true, transition };
}

/** The use case that makes a move of each kind, for error messages. */
export const KIND_ENDPOINT: Readonly<Record<TransitionKind, string>> = {
  step: 'POST /participants/:id/transitions',
  decision: 'POST /participants/:id/assessments/:assessmentId/sign',
  reopen: 'a change to the screening data a signature judged',
  consent: 'POST /participants/:id/consent',
  rescreen: 'POST /participants/:id/rescreen',
  randomisation: 'the randomisation module',
  withdrawal: 'POST /participants/:id/withdraw',
  screen_failure: 'POST /participants/:id/screen-failure',
  outcome: 'POST /participants/:id/outcome',
};

// ---------------------------------------------------------------------------------------------
// FHIR R4 ResearchSubjectStatus (http://hl7.org/fhir/research-subject-status)

export const FHIR_RESEARCH_SUBJECT_STATUSES = [
  'candidate',
  'eligible',
  'follow-up',
  'ineligible',
  'not-registered',
  'off-study',
  'on-study',
  'on-study-intervention',
  'on-study-observation',
  'pending-on-study',
  'potential-candidate',
  'screening',
  'withdrawn',
] as const;
export type FhirResearchSubjectStatus = (typeof FHIR_RESEARCH_SUBJECT_STATUSES)[number];

const FHIR_OF: Readonly<Record<ParticipantStatus, FhirResearchSubjectStatus>> = {
  pre_screened: 'potential-candidate',
  registered: 'candidate',
  phone_check_done: 'screening',
  records_reviewed: 'screening',
  screening_visit_planned: 'screening',
  screening_visit_done: 'screening',
  eligible: 'eligible',
  ineligible: 'ineligible',
  consented: 'pending-on-study',
  randomised: 'on-study',
  in_follow_up: 'follow-up',
  completed: 'off-study',
  withdrawn: 'withdrawn',
  lost_to_follow_up: 'off-study',
  died: 'off-study',
  screen_failed: 'ineligible',
};

/**
 * The FHIR status of a state. FHIR's `withdrawn` means "withdrew before registration on the
 * study"; a withdrawal after randomisation is `off-study`, so it depends on where they left from.
 */
export function fhirStatusOf(
  status: ParticipantStatus,
  withdrawnFrom?: ParticipantStatus | null,
): FhirResearchSubjectStatus {
  if (
    status === 'withdrawn' &&
    withdrawnFrom &&
    !PRE_RANDOMISATION_STATUSES.includes(withdrawnFrom)
  ) {
    return 'off-study';
  }
  return FHIR_OF[status];
}
