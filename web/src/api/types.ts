import type { components } from './schema';

/** Shapes the OpenAPI document describes (generated). */
type S = components['schemas'];
export type User = S['UserResponseDto'];
export type Site = S['SiteResponseDto'];
export type Participant = S['ParticipantResponseDto'];
export type StatusHistory = S['StatusHistoryDto'];
export type ScreeningEpisode = S['ScreeningEpisodeResponseDto'];
export type Eligibility = S['EligibilityResponseDto'];
export type SetResult = S['SetResultDto'];
export type Assessment = S['AssessmentResponseDto'];
export type Allocation = S['AllocationResponseDto'];
export type Booking = S['BookingResponseDto'];
export type QuarterReport = S['QuarterReportDto'];
export type Waitlist = S['WaitlistDto'];
export type Identity = S['IdentityResponseDto'];
export type ScreeningLog = S['ScreeningLogResponseDto'];
export type Capacity = S['CapacityResponseDto'];
export type AuditVerification = S['AuditVerificationDto'];
export type PublicSite = S['PublicSiteDto'];
export type PrescreeningAnswers = S['PrescreeningAnswersDto'];
export type PrescreeningCheckResult = S['PrescreeningCheckResultDto'];
export type Role = User['roles'][number];
export type ParticipantStatus = Participant['status'];

export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

// ---------------------------------------------------------------------------------------------
// Hand-written, for responses the OpenAPI document does not describe yet (the controller returns
// a plain object or Page<T> without a response DTO). Written from the live API; replace each with
// the generated schema once the API documents it. Request bodies are always the generated ones.

/** The screening record (ScreeningSectionsDto): its nested sections are undocumented ($ref bug). */
export type DiseaseCourse = 'RRMS' | 'SPMS' | 'PPMS' | 'CIS';
export type TestResult = 'positive' | 'negative' | 'pending';
export type Relapse = {
  onsetDate: string;
  steroidTreated?: boolean | null;
  clinicallyRelevant?: boolean | null;
};
export type MriExam = {
  id?: string;
  date: string;
  gdEnhancingT1?: number | null;
  newOrEnlargingT2?: number | null;
  comparedWithExamId?: string;
  comparedWithDate?: string | null;
};
export type Treatment = { drug: string; startDate?: string | null; endDate?: string | null };
export type ScreeningRecord = {
  diagnosis?: {
    course?: DiseaseCourse | null;
    mcDonaldMet?: boolean | null;
    symptomOnsetDate?: string | null;
    diagnosisDate?: string | null;
  };
  edss?: { score?: number | null; date?: string | null; stablePhase?: boolean | null };
  relapses?: Relapse[];
  mriExams?: MriExam[];
  treatments?: Treatment[];
  infections?: Partial<Record<'tb' | 'hiv' | 'hbsag' | 'hcvPcr' | 'syphilis', TestResult | null>>;
  activeInfections?: Partial<
    Record<'cmv' | 'ebv' | 'hsv' | 'vzv' | 'toxoplasmosis', boolean | null>
  >;
  comorbidity?: Partial<
    Record<
      | 'contraindicationOrHypersensitivity'
      | 'diseasePreventingMedication'
      | 'severeDepression'
      | 'addiction'
      | 'cardiovascularRisk'
      | 'activeMalignancy'
      | 'pastMalignancyOtherThanBccOrCin',
      boolean | null
    >
  >;
  pregnantOrBreastfeeding?: boolean | null;
  childbearingPotential?: boolean | null;
  agreesToContraception?: boolean | null;
  referredFromNeurology?: boolean | null;
  willingToBeRandomised?: boolean | null;
  willingToLearnInfectionResults?: boolean | null;
};

export type Readiness = {
  ready: boolean;
  alreadyRandomised: boolean;
  reasons: { code: string; message: string }[];
  warnings: { code: string; message: string }[];
};

export type StaffMember = { id: string; displayName: string; roles: Role[] };

export type Notification = {
  id: string;
  kind: string;
  subject: string;
  body: string;
  createdAt: string;
  readAt: string | null;
  data?: Record<string, unknown>;
};
export type NotificationPage = Page<Notification> & { unread: number };

export type Visit = {
  id: string;
  participantId: string;
  studyId: string;
  siteId: string;
  code: string;
  label: string;
  kind: string;
  assessments?: string[];
  targetDate: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  status: string;
  loggedDate: string | null;
  edss: { score: number; assessedOn: string; rater: string | null } | null;
  mri: {
    examDate: string;
    gdLesions: number;
    newOrEnlargingT2: number;
    comparedWith: string | null;
  } | null;
  version: number;
};
export type VisitDetail = {
  visit: Visit & Record<string, unknown>;
  deviation: Record<string, unknown> | null;
  adverseEvents: Record<string, unknown>[];
};
export type CalendarItem = {
  visitId: string;
  participantId: string;
  studyId: string;
  code: string;
  label: string;
  kind: string;
  targetDate: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  status: string;
};
export type SiteCalendar = {
  siteId: string;
  siteLabel: string;
  timeZone: string;
  from: string;
  to: string;
  items: CalendarItem[];
};
export type VisitRef = {
  visitId: string;
  participantId: string;
  studyId: string | null;
  code: string;
  targetDate: string;
  windowStart: string;
  windowEnd: string;
  status: string;
  missedOn: string | null;
};
export type SiteFollowUpReport = {
  siteId: string;
  siteLabel: string;
  timeZone: string;
  today: string;
  monthStart: string;
  monthEnd: string;
  dueThisMonth: number;
  loggedDueThisMonth: number;
  overdue: number;
  missed: number;
  missedThisMonth: number;
  logged: number;
  unscheduled: number;
  openDeviations: number;
  deviationsThisMonth: number;
  completionRate: number | null;
  overdueVisits?: VisitRef[];
  missedVisits?: VisitRef[];
};
export type Deviation = {
  id: string;
  kind: string;
  visitId: string;
  visitCode: string;
  participantId: string;
  studyId: string | null;
  siteId: string;
  siteLabel: string;
  visitDate: string;
  windowStart: string;
  windowEnd: string;
  daysOutside: number;
  direction: 'early' | 'late';
  status: 'open' | 'voided';
  voidReason: string | null;
  recordedAt: string;
};
export type ReportingClock = {
  awareAt: string;
  dueAt: string;
  reportedAt: string | null;
  state: 'open' | 'overdue' | 'reported' | 'reported_late';
  hoursRemaining: number | null;
};
export type AdverseEvent = {
  id: string;
  participantId: string;
  studyId: string | null;
  siteId: string;
  visitId: string | null;
  visitCode: string | null;
  term: string;
  onsetDate: string;
  endDate: string | null;
  severity: string;
  serious: boolean;
  seriousnessCriteria: string[] | null;
  outcome: string;
  reportReference: string | null;
  reportingClock: ReportingClock | null;
  version: number;
  recordedAt: string;
};

export type RandomizationConfig = {
  environment: 'production' | 'test';
  config: {
    arms: { code: string; label: string; ratio: number }[];
    algorithm: string;
    blockSizes: number[];
    strataFactors: string[];
  } | null;
  canonicalConfig: string | null;
  live: boolean;
  liveAt: string | null;
  commitment: string | null;
  updatedAt: string | null;
};
export type Commitment = {
  environment: string;
  live: boolean;
  liveAt: string | null;
  commitment: string | null;
  canonicalConfig: string | null;
};
export type BalanceRow = {
  stratumKey: string;
  total: number;
  countsByArm: Record<string, number>;
  imbalance: number;
  completedBlocks: number;
  currentBlock: { blockIndex: number; used: number; size: number | null };
  warnings: (string | { code: string; message: string })[];
};
export type Verification = {
  ok: boolean;
  checked: number;
  strata: { stratumKey: string; allocations: number; maxSequenceNumber: number }[];
  issues: unknown[];
  commitmentOk: boolean;
};
export type Simulation = {
  participants: number;
  strata: {
    stratumKey: string;
    participants: number;
    countsByArm: Record<string, number>;
    maxImbalance: number;
    finalImbalance: number;
  }[];
  maxImbalance: number;
  theoreticalMaxImbalance: number;
  maxPooledImbalance: number;
  predictability: { correct: number; guesses: number; share: number };
  theoreticalPredictability: { perAllocation: { text: string; value: number } };
  chanceLevel: number;
};

export type AuditEntry = {
  seq: string;
  occurredAt: string;
  actorId: string | null;
  actorRole: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
  hash: string;
};
