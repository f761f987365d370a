import {
  PARTICIPANT_STATUSES,
  TERMINAL_STATUSES,
  TRANSITIONS,
  checkTransition,
  fhirStatusOf,
  findTransition,
  nextTransitions,
  type ParticipantStatus,
} from './participant-status';
import { formatStudyId } from './study-id';

describe('participant pathway state machine', () => {
  it('walks the screening pathway one step at a time', () => {
    const path: ParticipantStatus[] = [
      'pre_screened',
      'registered',
      'phone_check_done',
      'records_reviewed',
      'screening_visit_planned',
      'screening_visit_done',
    ];
    for (let i = 0; i + 1 < path.length; i++) {
      expect(checkTransition(path[i], path[i + 1], 'step')).toEqual({
        ok: true,
        transition: { from: path[i], to: path[i + 1], kind: 'step' },
      });
    }
  });

  it('refuses skipping a step and going backwards', () => {
    expect(checkTransition('registered', 'records_reviewed')).toEqual({
      ok: false,
      problem: 'illegal',
    });
    expect(checkTransition('registered', 'screening_visit_done')).toEqual({
      ok: false,
      problem: 'illegal',
    });
    expect(checkTransition('records_reviewed', 'phone_check_done')).toEqual({
      ok: false,
      problem: 'illegal',
    });
    expect(checkTransition('registered', 'registered')).toEqual({ ok: false, problem: 'illegal' });
    expect(checkTransition('registered', 'eligible')).toEqual({ ok: false, problem: 'illegal' });
    expect(checkTransition('eligible', 'randomised')).toEqual({ ok: false, problem: 'illegal' });
  });

  it('makes the decision, consent, rescreen and randomisation moves only by their own use case', () => {
    expect(checkTransition('screening_visit_done', 'eligible', 'step')).toMatchObject({
      ok: false,
      problem: 'wrong_kind',
    });
    expect(checkTransition('screening_visit_done', 'eligible', 'decision')).toMatchObject({
      ok: true,
    });
    expect(checkTransition('screening_visit_done', 'ineligible', 'decision')).toMatchObject({
      ok: true,
    });
    expect(checkTransition('eligible', 'consented', 'step')).toMatchObject({
      ok: false,
      problem: 'wrong_kind',
    });
    expect(checkTransition('eligible', 'consented', 'consent')).toMatchObject({ ok: true });
    expect(checkTransition('ineligible', 'consented', 'consent')).toEqual({
      ok: false,
      problem: 'illegal',
    });
    expect(checkTransition('ineligible', 'registered', 'rescreen')).toMatchObject({ ok: true });
    expect(checkTransition('consented', 'randomised', 'randomisation')).toMatchObject({ ok: true });
    expect(checkTransition('consented', 'randomised', 'step')).toMatchObject({
      ok: false,
      problem: 'wrong_kind',
    });
    expect(checkTransition('eligible', 'screening_visit_done', 'reopen')).toMatchObject({
      ok: true,
    });
    expect(checkTransition('consented', 'ineligible', 'decision')).toMatchObject({ ok: true });
  });

  it('records a screen failure from the phone check to the screening visit, never by a step', () => {
    for (const from of [
      'registered',
      'phone_check_done',
      'records_reviewed',
      'screening_visit_planned',
      'screening_visit_done',
    ] as const) {
      expect(checkTransition(from, 'screen_failed', 'screen_failure')).toMatchObject({ ok: true });
      expect(checkTransition(from, 'screen_failed', 'step')).toMatchObject({
        ok: false,
        problem: 'wrong_kind',
      });
    }
    for (const from of ['pre_screened', 'eligible', 'consented', 'randomised'] as const) {
      expect(checkTransition(from, 'screen_failed', 'screen_failure')).toEqual({
        ok: false,
        problem: 'illegal',
      });
    }
    expect(checkTransition('screen_failed', 'registered', 'rescreen')).toMatchObject({ ok: true });
  });

  it('allows withdrawal from every non-terminal state and nothing out of a terminal one', () => {
    for (const s of PARTICIPANT_STATUSES) {
      const terminal = TERMINAL_STATUSES.includes(s);
      expect(checkTransition(s, 'withdrawn', 'withdrawal').ok).toBe(!terminal);
      if (terminal) {
        expect(nextTransitions(s)).toEqual([]);
      }
    }
  });

  it('has no duplicate edges and only known states', () => {
    const keys = TRANSITIONS.map((t) => `${t.from}>${t.to}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of TRANSITIONS) {
      expect(PARTICIPANT_STATUSES).toContain(t.from);
      expect(PARTICIPANT_STATUSES).toContain(t.to);
    }
    expect(findTransition('withdrawn', 'registered')).toBeNull();
  });

  it('lists the manual next steps for a state', () => {
    expect(nextTransitions('records_reviewed', 'step').map((t) => t.to)).toEqual([
      'screening_visit_planned',
    ]);
    expect(nextTransitions('screening_visit_done', 'step')).toEqual([]);
  });

  it('maps every state to a FHIR R4 ResearchSubjectStatus', () => {
    const expected: Record<ParticipantStatus, string> = {
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
    for (const s of PARTICIPANT_STATUSES) {
      expect(fhirStatusOf(s)).toBe(expected[s]);
    }
  });

  it('reports a withdrawal after randomisation as off-study, before it as withdrawn', () => {
    expect(fhirStatusOf('withdrawn', 'eligible')).toBe('withdrawn');
    expect(fhirStatusOf('withdrawn', 'consented')).toBe('withdrawn');
    expect(fhirStatusOf('withdrawn', 'randomised')).toBe('off-study');
    expect(fhirStatusOf('withdrawn', 'in_follow_up')).toBe('off-study');
  });
});

describe('study id', () => {
  it('formats <country>-<site>-<4 digits>', () => {
    expect(formatStudyId('NL', 'AMS', 7)).toBe('NL-AMS-0007');
    expect(formatStudyId('NO', 'BER', 1)).toBe('NO-BER-0001');
    expect(formatStudyId('SE', 'UPP', 9999)).toBe('SE-UPP-9999');
  });

  it('refuses numbers that do not fit four digits and malformed codes', () => {
    expect(() => formatStudyId('NL', 'AMS', 0)).toThrow(RangeError);
    expect(() => formatStudyId('NL', 'AMS', 10000)).toThrow(RangeError);
    expect(() => formatStudyId('NL', 'AMS', 1.5)).toThrow(RangeError);
    expect(() => formatStudyId('nl', 'AMS', 1)).toThrow(RangeError);
    expect(() => formatStudyId('NL', 'A', 1)).toThrow(RangeError);
  });
});
