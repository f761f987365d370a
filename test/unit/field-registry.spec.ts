import { armRevealing, armRevealingFields } from '../harness/arm-revealing';
import {
  codeValues,
  englishFieldLabels,
  FIELD_ITEMS,
  type FieldItem,
  FORMS,
  itemsOf,
  projectBlinded,
  shownToBlinded,
  VIEWS,
  viewPath,
} from 'src/common/fields/registry';
import { DISEASE_COURSES, DRUG_CODES, TEST_RESULTS } from 'src/modules/eligibility/engine';
import {
  AE_CAUSALITIES,
  AE_EXPECTEDNESS,
  AE_INTERVENTIONS,
  AE_OUTCOMES,
  AE_SEVERITIES,
  EXPECTEDNESS_ASSESSORS,
  SERIOUSNESS_CRITERIA,
} from 'src/modules/follow-up/entities/adverse-event.entity';
import {
  QUESTIONNAIRES,
  SAMPLE_TYPES,
  UNSCHEDULED_REASONS,
  type VisitEntity,
} from 'src/modules/follow-up/entities/visit.entity';
import { toBlindedVisitResponse, toVisitResponse } from 'src/modules/follow-up/follow-up.mapper';
import {
  PARTICIPANT_STATUSES,
  FOLLOW_UP_OUTCOMES,
} from 'src/modules/participants/participant-status';
import { WITHDRAWAL_INITIATORS } from 'src/modules/participants/participant.entity';
import {
  ARM_B_DRUGS,
  DISCONTINUATION_REASONS,
  NOT_RECEIVED_REASONS,
} from 'src/modules/randomization/randomization-settings';
import {
  BOOKING_STATUSES,
  PHASE_CODES,
  PHASE_OUTCOMES,
  REVIEW_STATUSES,
} from 'src/modules/scheduling/booking.entity';

const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
const dupes = (xs: readonly (string | number)[]) => xs.filter((x, i) => xs.indexOf(x) !== i);

describe('the field registry is consistent', () => {
  it('has unique item ids, each <form>.<key> of a known form', () => {
    expect(dupes(FIELD_ITEMS.map((i) => i.id))).toEqual([]);
    for (const i of FIELD_ITEMS) {
      expect(FORMS).toContain(i.form);
      expect(i.id.startsWith(`${i.form}.`)).toBe(true);
    }
  });

  it('has unique variable names, at most 32 characters and safe for R, SAS, SPSS and Stata', () => {
    expect(dupes(FIELD_ITEMS.map((i) => i.name.toLowerCase()))).toEqual([]);
    expect(FIELD_ITEMS.filter((i) => !SAFE_NAME.test(i.name)).map((i) => i.name)).toEqual([]);
  });

  it('gives every item a label key field.<id> with an English label', () => {
    for (const i of FIELD_ITEMS) {
      expect(i.labelKey).toBe(`field.${i.id}`);
      expect(i.label.trim()).not.toBe('');
    }
    const labels = englishFieldLabels();
    for (const i of FIELD_ITEMS) {
      const [, form, key] = i.labelKey.split('.');
      expect(labels.field[form][key]).toBe(i.label);
    }
  });

  it('has code lists (and only on coded items) with unique numeric codes and values', () => {
    for (const i of FIELD_ITEMS) {
      if (i.type !== 'code') {
        expect({ id: i.id, codes: i.codes }).toEqual({ id: i.id, codes: undefined });
        continue;
      }
      expect(i.codes?.length).toBeGreaterThan(0);
      const codes = i.codes ?? [];
      expect(dupes(codes.map((c) => c.code))).toEqual([]);
      expect(dupes(codes.map((c) => c.value))).toEqual([]);
      for (const c of codes) {
        expect(Number.isInteger(c.code)).toBe(true);
        expect(c.label.trim()).not.toBe('');
      }
    }
  });

  it('gives every date a date rule, every range a sane order and every form an item', () => {
    for (const i of FIELD_ITEMS) {
      if (i.type === 'date' || i.type === 'datetime') {
        expect({ id: i.id, rule: i.dateRule !== undefined }).toEqual({ id: i.id, rule: true });
      }
      if (i.min !== undefined && i.max !== undefined) {
        expect(i.min).toBeLessThanOrEqual(i.max);
      }
    }
    for (const f of FORMS) {
      expect(itemsOf(f).length).toBeGreaterThan(0);
    }
  });

  it('[REQ-BLIND-001] never shows an arm-revealing item to a blinded reader', () => {
    expect(FIELD_ITEMS.filter((i) => i.revealsArm && shownToBlinded(i))).toEqual([]);
    for (const f of ['arm_b_drug', 'transplant', 'transplant_phase', 'adverse_event'] as const) {
      expect(itemsOf(f).every((i) => i.revealsArm)).toBe(true);
    }
    // Causality to aHSCT or to the arm-B drug names the arm: each intervention value is marked.
    const interventions = itemsOf('adverse_event').find(
      (i) => i.path === 'assessments[].intervention',
    );
    expect(interventions?.codes?.every((c) => c.revealsArm)).toBe(true);
    expect(FIELD_ITEMS.filter((i) => i.id.startsWith('allocation.arm')).length).toBe(2);
    expect(FIELD_ITEMS.filter((i) => i.id.startsWith('allocation.arm') && !i.revealsArm)).toEqual(
      [],
    );
  });

  // Until the modules take their code lists from the registry, the two must agree value for value.
  it.each([
    ['screening.diseaseCourse', DISEASE_COURSES],
    ['screening.treatmentDrug', DRUG_CODES],
    ['screening.infectionTb', TEST_RESULTS],
    ['pathway.status', PARTICIPANT_STATUSES],
    ['pathway.withdrawalInitiatedBy', WITHDRAWAL_INITIATORS],
    ['outcome.outcome', FOLLOW_UP_OUTCOMES],
    ['arm_b_drug.drug', ARM_B_DRUGS],
    ['intervention.notReceivedReason', NOT_RECEIVED_REASONS],
    ['intervention.discontinuationReason', DISCONTINUATION_REASONS],
    ['transplant.status', BOOKING_STATUSES],
    ['transplant.reviewStatus', REVIEW_STATUSES],
    ['transplant_phase.phase', PHASE_CODES],
    ['transplant_phase.outcome', PHASE_OUTCOMES],
    ['visit_log.sampleType', SAMPLE_TYPES],
    ['visit_log.questionnaire', QUESTIONNAIRES],
    ['visit.unscheduledReason', UNSCHEDULED_REASONS],
    ['adverse_event.severity', AE_SEVERITIES],
    ['adverse_event.seriousnessCriteria', SERIOUSNESS_CRITERIA],
    ['adverse_event.outcome', AE_OUTCOMES],
    ['adverse_event.intervention', AE_INTERVENTIONS],
    ['adverse_event.causality', AE_CAUSALITIES],
    ['adverse_event.expectedness', AE_EXPECTEDNESS],
    ['adverse_event.expectednessBy', EXPECTEDNESS_ASSESSORS],
  ])('code list of %s matches the module', (id, values) => {
    expect(codeValues(id)).toEqual([...values]);
  });
});

const VISIT: VisitEntity = {
  id: 'v1',
  participantId: 'p1',
  siteId: 's1',
  studyId: 'NL-AMS-0001',
  code: 'W24',
  kind: 'scheduled',
  anchor: 'randomisation',
  offsetDays: 168,
  label: 'Week 24',
  assessments: ['edss_blinded', 'mri', 'bloods'],
  isPrimary: false,
  isEndpoint: false,
  mriRebaseline: false,
  targetDate: '2026-06-01',
  windowStart: '2026-05-18',
  windowEnd: '2026-06-15',
  status: 'logged',
  loggedDate: '2026-06-02',
  loggedAt: new Date('2026-06-02T10:00:00Z'),
  siteData: {
    relapseAssessment: { newRelapse: false, relapses: [] },
    samples: [{ type: 'bloods', taken: true, note: 'after the infusion' }],
    questionnaires: [],
    notes: 'free text',
  },
  unscheduledReason: null,
  edssScore: 3.5,
  edssDate: '2026-06-02',
  edssRater: 'NS-123',
  mriDate: null,
  mriGdLesions: null,
  mriNewT2Lesions: null,
  mriComparedWith: null,
  missedOn: null,
  cancelledAt: null,
  cancelReason: null,
  version: 3,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-06-02T10:00:00Z'),
};

describe('the blinded visit view is projected through the registry', () => {
  it('covers every field of the full visit response by a record key or a registry item', () => {
    const covered = new Set<string>(VIEWS.visit.keys);
    for (const i of FIELD_ITEMS) {
      const path = viewPath(VIEWS.visit, i);
      if (path) {
        covered.add(path.split('.')[0]);
      }
    }
    expect(Object.keys(toVisitResponse(VISIT)).filter((k) => !covered.has(k))).toEqual([]);
  });

  it('keeps the keys and the items a blinded reader may see, nothing else', () => {
    expect(toBlindedVisitResponse(VISIT)).toEqual({
      id: 'v1',
      participantId: 'p1',
      studyId: 'NL-AMS-0001',
      siteId: 's1',
      code: 'W24',
      label: 'Week 24',
      kind: 'scheduled',
      assessments: ['edss_blinded', 'mri', 'bloods'],
      targetDate: '2026-06-01',
      windowStart: '2026-05-18',
      windowEnd: '2026-06-15',
      status: 'logged',
      loggedDate: '2026-06-02',
      edss: { score: 3.5, assessedOn: '2026-06-02', rater: 'NS-123' },
      mri: null,
      version: 3,
    });
  });

  it('drops an item as soon as the registry marks it arm-revealing', () => {
    const mark = (id: string): FieldItem[] =>
      FIELD_ITEMS.map((i) => (i.id === id ? { ...i, revealsArm: true } : i));
    const full = toVisitResponse(VISIT);
    const before = projectBlinded<Record<string, unknown>>(VIEWS.visit, full);
    expect(before.targetDate).toBe('2026-06-01');
    expect(before.edss).toEqual({ score: 3.5, assessedOn: '2026-06-02', rater: 'NS-123' });

    const noTarget = projectBlinded<Record<string, unknown>>(
      VIEWS.visit,
      full,
      mark('visit.targetDate'),
    );
    expect(noTarget).not.toHaveProperty('targetDate');
    const noRater = projectBlinded<Record<string, unknown>>(
      VIEWS.visit,
      full,
      mark('assessment.edssRater'),
    );
    expect(noRater.edss).toEqual({ score: 3.5, assessedOn: '2026-06-02' });
  });

  it('shows an item hidden today once the registry no longer hides it (the projection reads the registry)', () => {
    const unhide = FIELD_ITEMS.map((i) =>
      i.id === 'visit.isPrimary' ? { ...i, blindedHidden: false } : i,
    );
    const view = projectBlinded<Record<string, unknown>>(
      VIEWS.visit,
      toVisitResponse(VISIT),
      unhide,
    );
    expect(view.isPrimary).toBe(false);
  });

  it('refuses a shown item holding an arm-revealing code', () => {
    expect(() =>
      projectBlinded(VIEWS.visit, { ...toVisitResponse(VISIT), kind: 'arm_a_weekly' }),
    ).toThrow(/arm-revealing value arm_a_weekly/);
  });
});

describe('the blinded-response check reads the registry', () => {
  it('finds the arm-revealing items of a full visit and none in the blinded one', () => {
    expect(armRevealingFields(toVisitResponse(VISIT))).toEqual(
      expect.arrayContaining([
        'visit.anchor at $',
        'visit.offsetDays at $',
        'visit_log.sampleType at siteData',
      ]),
    );
    expect(armRevealingFields([toBlindedVisitResponse(VISIT)])).toEqual([]);
  });

  it('finds an allocation anywhere in an answer', () => {
    expect(armRevealing(JSON.stringify({ items: [{ participantId: 'p', arm: 'B' }] }))).toEqual([
      'allocation.arm at items[0]',
    ]);
    expect(armRevealing(JSON.stringify({ armBDrug: null }))).toEqual(['arm_b_drug.drug at $']);
  });

  it('fails as soon as an item of a blinded answer is marked arm-revealing in the registry', () => {
    const marked = FIELD_ITEMS.map((i) =>
      i.id === 'assessment.edss' ? { ...i, revealsArm: true } : i,
    );
    expect(armRevealingFields(toBlindedVisitResponse(VISIT), marked)).toEqual([
      'assessment.edss at $',
    ]);
  });
});
