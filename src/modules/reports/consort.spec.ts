import { buildConsortFlow } from './consort';
import { escapeXml, renderConsortSvg } from './consort-svg';

const input = {
  statuses: [
    { status: 'registered', arm: null, n: 4 },
    { status: 'ineligible', arm: null, n: 7 },
    { status: 'withdrawn', arm: null, n: 2 },
    { status: 'randomised', arm: 'A' as const, n: 5 },
    { status: 'in_follow_up', arm: 'A' as const, n: 3 },
    { status: 'withdrawn', arm: 'A' as const, n: 1 },
    { status: 'randomised', arm: 'B' as const, n: 8 },
    { status: 'lost_to_follow_up', arm: 'B' as const, n: 2 },
    { status: 'died', arm: 'B' as const, n: 1 },
  ],
  received: [
    { arm: 'A' as const, received: true, reason: null, n: 6 },
    { arm: 'A' as const, received: false, reason: 'second_line_started', n: 2 },
    { arm: 'B' as const, received: true, reason: null, n: 10 },
  ],
  primary: [
    { arm: 'A' as const, withData: 4, missing: 1, pending: 4 },
    { arm: 'B' as const, withData: 6, missing: 0, pending: 5 },
  ],
  discontinuedIntervention: [
    { arm: 'A' as const, reason: 'mobilisation_failed', n: 1 },
    { arm: 'B' as const, reason: 'adverse_event', n: 2 },
    { arm: 'B' as const, reason: 'participant_decision', n: 1 },
  ],
};

describe('CONSORT flow', () => {
  it('counts enrolment, exclusions with reasons, and each arm', () => {
    const flow = buildConsortFlow(input);
    expect(flow.enrolment).toEqual({
      assessedForEligibility: 33,
      excluded: {
        total: 9,
        reasons: [
          { reason: 'not_meeting_criteria', label: 'Not meeting inclusion criteria', n: 7 },
          { reason: 'declined', label: 'Declined to participate', n: 2 },
        ],
      },
      stillInScreening: 4,
      randomised: 20,
    });
    const [a, b] = flow.arms;
    expect(a).toMatchObject({
      arm: 'A',
      allocated: 9,
      receivedAllocated: 6,
      notReceivedAllocated: { total: 2, reasons: [{ reason: 'second_line_started', n: 2 }] },
      receivedNotYetKnown: 1,
      discontinued: { total: 1, reasons: [{ reason: 'withdrew', n: 1 }] },
      discontinuedIntervention: {
        total: 1,
        reasons: [{ reason: 'mobilisation_failed', label: 'Mobilisation failed', n: 1 }],
      },
      lostToFollowUp: { total: 0 },
      // Off treatment is not off study: the discontinued participant is still in follow-up.
      inFollowUp: 8,
      analysed: {
        intentionToTreat: 9,
        withPrimaryEndpoint: 4,
        primaryEndpointMissing: 1,
        primaryEndpointNotYetDue: 4,
      },
    });
    expect(b).toMatchObject({
      allocated: 11,
      receivedAllocated: 10,
      receivedNotYetKnown: 1,
      lostToFollowUp: { total: 2 },
      discontinued: { total: 1, reasons: [{ reason: 'died', n: 1 }] },
      discontinuedIntervention: {
        total: 3,
        reasons: [
          { reason: 'adverse_event', label: 'Adverse event', n: 2 },
          { reason: 'participant_decision', n: 1 },
        ],
      },
    });
  });

  it('renders a well-formed SVG carrying every count', () => {
    const svg = renderConsortSvg(buildConsortFlow(input));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    for (const text of [
      'Assessed for eligibility (n=33)',
      'Excluded (n=9)',
      'Randomised (n=20)',
      'Allocated to aHSCT (n=9)',
      'Lost to follow-up (n=2)',
    ]) {
      expect(svg).toContain(escapeXml(text));
    }
    expect(svg.match(/<rect /g)?.length).toBeGreaterThan(8);
    expect(svg).not.toMatch(/<script/i);
  });

  it('escapes XML', () => {
    expect(escapeXml(`a<b>&"'`)).toBe('a&lt;b&gt;&amp;&quot;&apos;');
  });
});
