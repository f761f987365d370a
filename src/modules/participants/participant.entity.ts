import type { ScreeningRecord } from 'src/modules/eligibility/screening-record';
import type { Country } from 'src/modules/sites/site.entity';
import type {
  ParticipantStatus,
  ScreenFailureReason,
  ScreenFailureStage,
  TransitionKind,
} from './participant-status';

export const WITHDRAWAL_INITIATORS = ['participant', 'investigator', 'sponsor'] as const;
export type WithdrawalInitiator = (typeof WITHDRAWAL_INITIATORS)[number];

/** A participant as the repository returns it (with its site's code, country and time zone). */
export type ParticipantEntity = {
  id: string;
  trialId: string;
  siteId: string;
  siteCode: string;
  countryCode: Country;
  siteTimeZone: string;
  /** Null only while pre-screened (no registration yet), or withdrawn before registration. */
  studyId: string | null;
  status: ParticipantStatus;
  statusChangedAt: Date;
  registeredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  currentEpisode: number;
  /** Answers of the pre-screening questionnaire (self-reported; never judged for sign-off). */
  preScreening: ScreeningRecord | null;
  withdrawnAt: Date | null;
  withdrawnFrom: ParticipantStatus | null;
  withdrawalReason: string | null;
  withdrawalInitiatedBy: WithdrawalInitiator | null;
  sampleDestruction: SampleDestruction | null;
  screenFailedAt: Date | null;
  /** The calendar date (site zone) the screen failure happened. */
  screenFailureDate: string | null;
  screenFailureStage: ScreenFailureStage | null;
  screenFailureReason: ScreenFailureReason | null;
  screenFailureDetail: string | null;
};

export type SampleDestruction = {
  id: string;
  requestedAt: Date;
  requestedBy: string | null;
  confirmedAt: Date | null;
  confirmedBy: string | null;
  confirmationNote: string | null;
};

export type HistoryKind = TransitionKind | 'registration' | 'undo';

export type StatusHistoryRow = {
  id: string;
  fromStatus: ParticipantStatus | null;
  toStatus: ParticipantStatus;
  kind: HistoryKind;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string;
  reason: string | null;
  /** The calendar date the step happened (entered; null for moves recorded before issue 15). */
  occurredOn: string | null;
  details: Record<string, unknown> | null;
  undoneAt: Date | null;
  undoneBy: string | null;
  undoReason: string | null;
};
