import type { AdverseEventEntity } from './entities/adverse-event.entity';
import type { VisitEntity } from './entities/visit.entity';
import { reportingClock, toBlindedVisitResponse, toVisitResponse } from './follow-up.mapper';

const visit = (over: Partial<VisitEntity> = {}): VisitEntity => ({
  id: 'v1',
  participantId: 'p1',
  siteId: 's1',
  studyId: 'NL-AMS-0001',
  code: 'W012',
  kind: 'scheduled',
  anchor: 'randomisation',
  offsetDays: 84,
  label: 'Follow-up week 12 (MRI re-baseline)',
  assessments: ['edss_blinded', 'mri', 'bloods'],
  isPrimary: false,
  isEndpoint: false,
  mriRebaseline: true,
  targetDate: '2026-06-21',
  windowStart: '2026-06-07',
  windowEnd: '2026-07-05',
  status: 'logged',
  loggedDate: '2026-06-20',
  loggedAt: new Date('2026-06-20T10:00:00Z'),
  siteData: {
    relapseAssessment: { newRelapse: false, relapses: [] },
    samples: [{ type: 'urine', taken: true }],
    questionnaires: [],
  },
  unscheduledReason: null,
  edssScore: 3.5,
  edssDate: '2026-06-20',
  edssRater: 'NS-1',
  mriDate: '2026-06-18',
  mriGdLesions: 0,
  mriNewT2Lesions: 1,
  mriComparedWith: '2026-01-10',
  missedOn: null,
  cancelledAt: null,
  cancelReason: 'second-line drug started',
  version: 3,
  createdAt: new Date('2026-03-29T00:00:00Z'),
  updatedAt: new Date('2026-06-20T10:00:00Z'),
  ...over,
});

describe('visit mappers', () => {
  it('the blinded shape is an allow-list: no site data, anchor, offset or cancel reason', () => {
    const blinded = toBlindedVisitResponse(visit());
    expect(Object.keys(blinded).sort()).toEqual(
      [
        'assessments',
        'code',
        'edss',
        'id',
        'kind',
        'label',
        'loggedDate',
        'mri',
        'participantId',
        'siteId',
        'status',
        'studyId',
        'targetDate',
        'version',
        'windowEnd',
        'windowStart',
      ].sort(),
    );
    expect(JSON.stringify(blinded)).not.toMatch(/urine|second-line|randomisation|anchor/);
    expect(blinded.edss).toEqual({ score: 3.5, assessedOn: '2026-06-20', rater: 'NS-1' });
    expect(blinded.mri).toEqual({
      examDate: '2026-06-18',
      gdLesions: 0,
      newOrEnlargingT2: 1,
      comparedWith: '2026-01-10',
    });
  });

  it('refuses to map an arm-A visit for a blinded reader', () => {
    expect(() =>
      toBlindedVisitResponse(visit({ kind: 'arm_a_weekly', code: 'A-D007', anchor: 'transplant' })),
    ).toThrow(/arm-A/);
  });

  it('the full shape carries the site data for unblinded staff', () => {
    const full = toVisitResponse(visit());
    expect(full.siteData?.samples).toEqual([{ type: 'urine', taken: true }]);
    expect(full.anchor).toBe('randomisation');
  });
});

describe('the 24-hour SAE reporting clock', () => {
  const ae = (over: Partial<AdverseEventEntity> = {}): AdverseEventEntity => ({
    id: 'a1',
    participantId: 'p1',
    studyId: 'NL-AMS-0001',
    siteId: 's1',
    visitId: 'v1',
    visitCode: 'W012',
    term: 'Pneumonia',
    onsetDate: '2026-06-19',
    endDate: null,
    severity: 'severe',
    serious: true,
    seriousnessCriteria: ['hospitalisation'],
    outcome: 'recovering',
    meddraCode: null,
    ctcaeGrade: null,
    awareDate: '2026-06-22',
    assessments: [],
    susar: false,
    susarDueDate: null,
    susarReportedAt: null,
    susarReference: null,
    timeZone: 'Europe/Amsterdam',
    awareAt: new Date('2026-06-22T08:00:00Z'),
    reportDueAt: new Date('2026-06-23T08:00:00Z'),
    reportedAt: null,
    reportReference: null,
    version: 0,
    createdAt: new Date('2026-06-22T08:00:00Z'),
    updatedAt: new Date('2026-06-22T08:00:00Z'),
    ...over,
  });

  it('counts down, goes overdue, and stops when reported', () => {
    expect(reportingClock(ae(), new Date('2026-06-22T20:00:00Z'))).toMatchObject({
      state: 'open',
      hoursRemaining: 12,
    });
    expect(reportingClock(ae(), new Date('2026-06-23T08:00:00Z'))).toMatchObject({
      state: 'open',
      hoursRemaining: 0,
    });
    expect(reportingClock(ae(), new Date('2026-06-23T09:30:00Z'))).toMatchObject({
      state: 'overdue',
      hoursRemaining: -1.5,
    });
    expect(
      reportingClock(
        ae({ reportedAt: new Date('2026-06-23T07:00:00Z') }),
        new Date('2026-07-01T00:00:00Z'),
      ),
    ).toMatchObject({
      state: 'reported',
      hoursRemaining: null,
    });
    expect(
      reportingClock(
        ae({ reportedAt: new Date('2026-06-23T08:00:01Z') }),
        new Date('2026-07-01T00:00:00Z'),
      )?.state,
    ).toBe('reported_late');
    expect(
      reportingClock(ae({ serious: false, awareAt: null, reportDueAt: null }), new Date()),
    ).toBeNull();
  });
});
