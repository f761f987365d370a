import { SetMetadata } from '@nestjs/common';
import type { UnitOfWork } from 'src/kernel/unit-of-work';

/**
 * A typed domain event, raised inside the publisher's transaction. The module that owns the fact
 * declares it in its `<module>.events.ts` (public surface); a module that reacts imports it and
 * marks a provider method `@OnDomainEvent(TheEvent)`. `P` is the payload type (phantom field).
 */
export type DomainEvent<P> = {
  readonly kind: 'event';
  readonly name: string;
  readonly payload?: P;
};

/**
 * A contribution query on the same bus: every listener answers with an `A` or null, outside any
 * transaction and in parallel (e.g. the arm-agnostic readiness warnings before randomising).
 */
export type DomainQuery<Q, A> = {
  readonly kind: 'query';
  readonly name: string;
  readonly query?: Q;
  readonly answer?: A;
};

/** The payload type of an event (`PayloadOf<typeof ParticipantTransitioned>`), for listener signatures. */
export type PayloadOf<E> = E extends DomainEvent<infer P> ? P : never;

export const defineEvent = <P>(name: string): DomainEvent<P> => ({ kind: 'event', name });
export const defineQuery = <Q, A>(name: string): DomainQuery<Q, A> => ({ kind: 'query', name });

export const DOMAIN_EVENT_LISTENER = 'ram-ms:domain-event-listener';

type EventListenerMethod<P> = (uow: UnitOfWork, payload: P) => Promise<void>;
type QueryListenerMethod<Q, A> = (query: Q) => Promise<A | null>;

/**
 * Marks a provider method as a listener. For an event it runs inside the publisher's transaction
 * (with its unit of work), in turn with the other listeners; a throw rolls the whole transaction
 * back, so a listener may veto. For a query it answers. Found at start-up by DomainEvents.
 */
export function OnDomainEvent<P>(
  event: DomainEvent<P>,
): (
  target: object,
  key: string | symbol,
  d: TypedPropertyDescriptor<EventListenerMethod<P>>,
) => void;
export function OnDomainEvent<Q, A>(
  query: DomainQuery<Q, A>,
): (
  target: object,
  key: string | symbol,
  d: TypedPropertyDescriptor<QueryListenerMethod<Q, A>>,
) => void;
export function OnDomainEvent(event: DomainEvent<unknown> | DomainQuery<unknown, unknown>) {
  return SetMetadata(DOMAIN_EVENT_LISTENER, event);
}
