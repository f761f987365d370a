import { fieldItem } from 'src/common/fields/registry';

/**
 * The CONSORT 2025 participant flow, built from counts (pure). Enrolment: assessed for eligibility,
 * excluded with reasons, randomised. Per arm: allocated, received the allocated intervention or not
 * (with reasons), lost to follow-up and discontinued (with reasons), analysed.
 */

export type Arm = 'A' | 'B';

export const ARM_LABELS: Readonly<Record<Arm, string>> = {
  A: 'aHSCT',
  B: 'Best available high-efficacy DMT (alemtuzumab, ocrelizumab or cladribine)',
};

export type ReasonCount = { reason: string; label: string; n: number };

/**
 * participants.status × arm (null = not randomised) × the coded exclusion before randomisation
 * (`participant_directory.consort_exclusion`: not_meeting_criteria, declined, other; the one
 * derivation, also read by the screening log). Without it, the status alone decides.
 */
export type StatusCount = { status: string; arm: Arm | null; n: number; exclusion?: string | null };

export type ReceivedCount = {
  arm: Arm;
  received: boolean | null;
  reason: string | null;
  n: number;
};

export type PrimaryCount = { arm: Arm; withData: number; missing: number; pending: number };

/** Live discontinuations of the allocated intervention per arm and coded reason. */
export type DiscontinuedInterventionCount = { arm: Arm; reason: string; n: number };

export type ConsortInput = {
  statuses: readonly StatusCount[];
  received: readonly ReceivedCount[];
  primary: readonly PrimaryCount[];
  discontinuedIntervention?: readonly DiscontinuedInterventionCount[];
};

export type ArmFlow = {
  arm: Arm;
  label: string;
  allocated: number;
  receivedAllocated: number;
  notReceivedAllocated: { total: number; reasons: ReasonCount[] };
  receivedNotYetKnown: number;
  lostToFollowUp: { total: number; reasons: ReasonCount[] };
  discontinued: { total: number; reasons: ReasonCount[] };
  /** Off treatment, not off study: stopped the allocated intervention, still followed (ITT). */
  discontinuedIntervention: { total: number; reasons: ReasonCount[] };
  completed: number;
  inFollowUp: number;
  analysed: {
    intentionToTreat: number;
    withPrimaryEndpoint: number;
    primaryEndpointMissing: number;
    primaryEndpointNotYetDue: number;
  };
};

export type ConsortFlow = {
  enrolment: {
    assessedForEligibility: number;
    excluded: { total: number; reasons: ReasonCount[] };
    stillInScreening: number;
    randomised: number;
  };
  arms: ArmFlow[];
};

/** Labels of the coded exclusions (CONSORT 2025 enrolment box). */
const EXCLUSION_LABELS: Record<string, string> = {
  not_meeting_criteria: 'Not meeting inclusion criteria',
  declined: 'Declined to participate',
  other: 'Other reasons',
};

const EXCLUSION: Record<string, { reason: string; label: string }> = {
  ineligible: { reason: 'not_meeting_criteria', label: 'Not meeting inclusion criteria' },
  withdrawn: { reason: 'declined', label: 'Declined to participate' },
  screen_failed: { reason: 'other', label: 'Other reasons' },
  lost_to_follow_up: { reason: 'lost_before_randomisation', label: 'Lost before randomisation' },
  died: { reason: 'died_before_randomisation', label: 'Died before randomisation' },
  completed: { reason: 'other', label: 'Other reasons' },
};

/** Statuses whose exclusion the coded column decides (a null code there means still screening). */
const SCREENING_CODED = ['ineligible', 'withdrawn', 'screen_failed'];

const NOT_RECEIVED_LABELS: Record<string, string> = {
  second_line_started: 'Started a second-line drug instead (waiting time)',
  transplant_not_done: 'Transplant not done',
};

const DISCONTINUED: Record<string, { reason: string; label: string } | undefined> = {
  withdrawn: { reason: 'withdrew', label: 'Withdrew from the study' },
  died: { reason: 'died', label: 'Died' },
};

const DISCONTINUATION_LABELS = new Map(
  (fieldItem('intervention.discontinuationReason').codes ?? []).map((c) => [c.value, c.label]),
);

function addReason(list: ReasonCount[], reason: string, label: string, n: number): void {
  const found = list.find((r) => r.reason === reason);
  if (found) {
    found.n += n;
  } else {
    list.push({ reason, label, n });
  }
}

const sum = (list: readonly ReasonCount[]) => list.reduce((s, r) => s + r.n, 0);

export function buildConsortFlow(input: ConsortInput): ConsortFlow {
  const excluded: ReasonCount[] = [];
  let assessed = 0;
  let stillInScreening = 0;
  let randomised = 0;
  const arms: Record<Arm, ArmFlow> = {
    A: emptyArm('A'),
    B: emptyArm('B'),
  };
  for (const row of input.statuses) {
    assessed += row.n;
    if (row.arm === null) {
      const coded = row.exclusion
        ? {
            reason: row.exclusion,
            label: EXCLUSION_LABELS[row.exclusion] ?? row.exclusion.replace(/_/g, ' '),
          }
        : null;
      // Ends after the pathway (lost, died, completed) are no screening codes: the status says it.
      const exclusion =
        coded ??
        (row.exclusion === undefined || !SCREENING_CODED.includes(row.status)
          ? EXCLUSION[row.status]
          : undefined);
      if (exclusion) {
        addReason(excluded, exclusion.reason, exclusion.label, row.n);
      } else {
        stillInScreening += row.n;
      }
      continue;
    }
    randomised += row.n;
    const arm = arms[row.arm];
    arm.allocated += row.n;
    arm.analysed.intentionToTreat += row.n;
    if (row.status === 'lost_to_follow_up') {
      addReason(arm.lostToFollowUp.reasons, 'lost_to_follow_up', 'Lost to follow-up', row.n);
    } else if (DISCONTINUED[row.status]) {
      const d = DISCONTINUED[row.status] as { reason: string; label: string };
      addReason(arm.discontinued.reasons, d.reason, d.label, row.n);
    } else if (row.status === 'completed') {
      arm.completed += row.n;
    } else {
      arm.inFollowUp += row.n;
    }
  }
  for (const row of input.received) {
    const arm = arms[row.arm];
    if (row.received === true) {
      arm.receivedAllocated += row.n;
    } else if (row.received === false) {
      const reason = row.reason ?? 'unspecified';
      addReason(
        arm.notReceivedAllocated.reasons,
        reason,
        NOT_RECEIVED_LABELS[reason] ?? reason.replace(/_/g, ' '),
        row.n,
      );
    }
  }
  for (const row of input.discontinuedIntervention ?? []) {
    addReason(
      arms[row.arm].discontinuedIntervention.reasons,
      row.reason,
      DISCONTINUATION_LABELS.get(row.reason) ?? row.reason.replace(/_/g, ' '),
      row.n,
    );
  }
  for (const row of input.primary) {
    const arm = arms[row.arm];
    arm.analysed.withPrimaryEndpoint += row.withData;
    arm.analysed.primaryEndpointMissing += row.missing;
    arm.analysed.primaryEndpointNotYetDue += row.pending;
  }
  for (const arm of Object.values(arms)) {
    arm.notReceivedAllocated.total = sum(arm.notReceivedAllocated.reasons);
    arm.lostToFollowUp.total = sum(arm.lostToFollowUp.reasons);
    arm.discontinued.total = sum(arm.discontinued.reasons);
    arm.discontinuedIntervention.total = sum(arm.discontinuedIntervention.reasons);
    arm.receivedNotYetKnown = Math.max(
      0,
      arm.allocated - arm.receivedAllocated - arm.notReceivedAllocated.total,
    );
  }
  return {
    enrolment: {
      assessedForEligibility: assessed,
      excluded: { total: sum(excluded), reasons: excluded },
      stillInScreening,
      randomised,
    },
    arms: [arms.A, arms.B],
  };
}

function emptyArm(arm: Arm): ArmFlow {
  return {
    arm,
    label: ARM_LABELS[arm],
    allocated: 0,
    receivedAllocated: 0,
    notReceivedAllocated: { total: 0, reasons: [] },
    receivedNotYetKnown: 0,
    lostToFollowUp: { total: 0, reasons: [] },
    discontinued: { total: 0, reasons: [] },
    discontinuedIntervention: { total: 0, reasons: [] },
    completed: 0,
    inFollowUp: 0,
    analysed: {
      intentionToTreat: 0,
      withPrimaryEndpoint: 0,
      primaryEndpointMissing: 0,
      primaryEndpointNotYetDue: 0,
    },
  };
}
