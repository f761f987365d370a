import { DomainEvents } from 'src/kernel/events/domain-events';
import { createTestApp, TestApp } from '../harness/app';

/**
 * The domain-event listener list: every `@OnDomainEvent` listener the API and the worker run, in
 * the order they run. Adding, removing or reordering a listener changes this list on purpose.
 */
describe('domain-event listeners (int)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lists every listener, event → Class.method, in the order they run', () => {
    expect(t.app.get(DomainEvents).list()).toEqual(EXPECTED);
  });

  it('finds each listener once, though the API and the worker modules share providers', () => {
    const listed = t.app.get(DomainEvents).list();
    expect(new Set(listed.map((l) => l.listener)).size).toBe(listed.length);
  });
});

const EXPECTED = [
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
    event: 'participant.registered',
    kind: 'event',
    listener: 'ScreeningService.openFirstEpisode',
  },
  {
    event: 'participant.identity-changed',
    kind: 'event',
    listener: 'ScreeningService.identityChanged',
  },
  {
    event: 'participant.transitioned',
    kind: 'event',
    listener: 'FollowUpListeners.participantMoved',
  },
];
