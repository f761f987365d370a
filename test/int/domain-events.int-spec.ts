import { DomainEvents } from 'src/kernel/events/domain-events';
import { createTestApp, TestApp } from '../harness/app';

/**
 * The domain-event listener list: every `@OnDomainEvent` listener the API and the worker run, in
 * the order they run. Adding, removing or reordering a listener changes this list on purpose.
 */
describe('domain-event listeners (int)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The API's modules: the worker's are a subset of them, and its processors listen to no event.
    t = await createTestApp({ worker: false });
  });
  afterAll(() => t.close());

  it('lists every listener, event → Class.method, in the order they run', () => {
    expect(t.app.get(DomainEvents).list()).toEqual(EXPECTED);
  });

  it('finds each listener once', () => {
    const listed = t.app.get(DomainEvents).list();
    expect(new Set(listed.map((l) => l.listener)).size).toBe(listed.length);
  });
});

const EXPECTED = [
  {
    event: 'participant.transitioned',
    kind: 'event',
    listener: 'DataLocksListeners.participantMoved',
  },
  {
    event: 'participant.transitioned',
    kind: 'event',
    listener: 'FollowUpListeners.participantMoved',
  },
  {
    event: 'participant.transitioned',
    kind: 'event',
    listener: 'RandomizationListeners.participantMoved',
  },
  {
    event: 'randomization.participant-randomised',
    kind: 'event',
    listener: 'FollowUpListeners.participantRandomised',
  },
  {
    event: 'randomization.participant-randomised',
    kind: 'event',
    listener: 'SchedulingListeners.participantRandomised',
  },
  {
    event: 'scheduling.transplant-day0-changed',
    kind: 'event',
    listener: 'FollowUpListeners.transplantDay0Changed',
  },
  {
    event: 'site.capacity-changing',
    kind: 'event',
    listener: 'SchedulingListeners.capacityChanging',
  },
  {
    event: 'randomization.readiness-warning',
    kind: 'query',
    listener: 'SchedulingListeners.readinessWarning',
  },
  {
    event: 'randomization.allocated-participant-off-study',
    kind: 'event',
    listener: 'SchedulingListeners.participantOffStudy',
  },
  {
    event: 'randomization.intervention-discontinued',
    kind: 'event',
    listener: 'SchedulingListeners.interventionDiscontinued',
  },
  {
    event: 'randomization.intervention-discontinuation-undone',
    kind: 'event',
    listener: 'SchedulingListeners.discontinuationUndone',
  },
  { event: 'participant.registered', kind: 'event', listener: 'ScreeningService.openFirstEpisode' },
  { event: 'participant.registered', kind: 'event', listener: 'WorkWaitingNotifier.registered' },
  {
    event: 'participant.identity-changed',
    kind: 'event',
    listener: 'ScreeningService.identityChanged',
  },
];
