import { findingNotice, saeNotice } from './notices';

const visit = {
  id: 'v1',
  participantId: '7ac43c81-da96-4042-91e9-dda1884ca537',
  studyId: 'NL-AMS-0007',
  siteLabel: 'NL-AMS',
  code: 'W012',
  label: 'Follow-up week 12 (MRI re-baseline)',
  targetDate: '2026-06-21',
  windowStart: '2026-06-07',
  windowEnd: '2026-07-05',
};

describe('notification texts', () => {
  it('each finding names the study id, the visit and the dates that matter', () => {
    expect(findingNotice('window_opens_14d', visit).subject).toBe(
      'NL-AMS-0007 W012: window opens 2026-06-07',
    );
    expect(findingNotice('window_opens_3d', visit).body).toContain(
      'Second reminder: the visit window opens on 2026-06-07.',
    );
    expect(findingNotice('window_closes_3d', visit).subject).toBe(
      'NL-AMS-0007 W012: window closes 2026-07-05',
    );
    expect(findingNotice('overdue', visit).body).toContain('The target date 2026-06-21 has passed');
    expect(findingNotice('missed', visit).body).toContain('recorded as missed');
    expect(findingNotice('missed', visit).data).toMatchObject({
      visitId: 'v1',
      studyId: 'NL-AMS-0007',
      finding: 'missed',
    });
  });

  it('an SAE notice gives the deadline and no clinical term', () => {
    const n = saeNotice({
      adverseEventId: 'a1',
      participantId: visit.participantId,
      studyId: 'NL-AMS-0007',
      siteLabel: 'NL-AMS',
      visitCode: 'W012',
      onsetDate: '2026-06-19',
      criteria: ['hospitalisation', 'life_threatening'],
      awareAt: new Date('2026-06-22T08:00:00Z'),
      reportDueAt: new Date('2026-06-23T08:00:00Z'),
    });
    expect(n.subject).toBe('SAE: NL-AMS-0007 at NL-AMS, report due 2026-06-23T08:00:00.000Z');
    expect(n.body).toContain('seriousness: hospitalisation, life threatening.');
    expect(n.body).toContain('within 24 hours');
  });
});
