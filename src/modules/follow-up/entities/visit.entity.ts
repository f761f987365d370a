import type { SweepFindingKind } from 'src/modules/follow-up/calendar/sweep-rules';

export type VisitKind = 'scheduled' | 'arm_a_weekly' | 'unscheduled';
export type VisitAnchorKind = 'randomisation' | 'transplant' | 'none';
export type VisitStatus = 'scheduled' | 'logged' | 'missed' | 'cancelled';

export const SAMPLE_TYPES = ['bloods', 'biobank', 'urine', 'csf', 'other'] as const;
export type SampleType = (typeof SAMPLE_TYPES)[number];

export const QUESTIONNAIRES = [
  'msis29',
  'eq5d',
  'sf36',
  'fatigue',
  'health_economics',
  'other',
] as const;
export type Questionnaire = (typeof QUESTIONNAIRES)[number];

export const UNSCHEDULED_REASONS = ['relapse', 'adverse_event', 'other'] as const;
export type UnscheduledReason = (typeof UNSCHEDULED_REASONS)[number];

/** `id`: stable, assigned when logged, so a correction can name the relapse. */
export type RelapseData = {
  id?: string;
  onsetDate: string;
  steroidTreated: boolean;
  description?: string;
};

/** What site staff record at a visit (stored as `visits.site_data`). */
export type SiteVisitData = {
  relapseAssessment: { newRelapse: boolean; relapses: RelapseData[] };
  samples: { type: SampleType; taken: boolean; note?: string }[];
  questionnaires: { instrument: Questionnaire; done: boolean }[];
  notes?: string;
};

/** One visit row, as the repositories return it (dates are 'YYYY-MM-DD' strings). */
export type VisitEntity = {
  id: string;
  participantId: string;
  siteId: string;
  studyId: string | null;
  code: string;
  kind: VisitKind;
  anchor: VisitAnchorKind;
  offsetDays: number | null;
  label: string;
  assessments: string[];
  isPrimary: boolean;
  isEndpoint: boolean;
  mriRebaseline: boolean;
  targetDate: string;
  windowStart: string;
  windowEnd: string;
  status: VisitStatus;
  loggedDate: string | null;
  loggedAt: Date | null;
  siteData: SiteVisitData | null;
  unscheduledReason: UnscheduledReason | null;
  edssScore: number | null;
  edssDate: string | null;
  edssRater: string | null;
  mriDate: string | null;
  mriGdLesions: number | null;
  mriNewT2Lesions: number | null;
  mriComparedWith: string | null;
  missedOn: string | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
};

export type ScheduleStatus = 'active' | 'cancelled';

export type ScheduleEntity = {
  participantId: string;
  status: ScheduleStatus;
  siteId: string | null;
  templateId: string | null;
  timeZone: string | null;
  anchorDate: string | null;
  transplantDay0: string | null;
  generatedAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  version: number;
};

export type DeviationEntity = {
  id: string;
  visitId: string;
  participantId: string;
  studyId: string | null;
  siteId: string;
  siteLabel: string;
  kind: 'visit_out_of_window';
  visitCode: string;
  visitKind: VisitKind;
  visitDate: string;
  windowStart: string;
  windowEnd: string;
  daysOutside: number;
  direction: 'early' | 'late';
  status: 'open' | 'voided';
  voidReason: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export type FindingRow = {
  jobId: string;
  visitId: string;
  kind: SweepFindingKind;
  aboutDate: string;
  siteDate: string;
};
