import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import { DOMAIN_EVENT_LISTENER, type DomainEvent, type DomainQuery } from './domain-event';

type Listener = {
  event: string;
  kind: 'event' | 'query';
  /** `Class.method`, for the listener list. */
  name: string;
  call: (...args: unknown[]) => Promise<unknown>;
};

/**
 * The in-transaction domain-event bus. Listeners are provider methods marked `@OnDomainEvent`,
 * found once through Nest's discovery; they run in discovery order (the order of the module graph),
 * which `list()` shows and the listener-list test pins.
 */
@Injectable()
export class DomainEvents implements OnModuleInit {
  private table: Map<string, Listener[]> | null = null;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    this.listeners();
  }

  /**
   * Runs every listener of `event` in turn, inside the caller's transaction. A listener that throws
   * stops the rest and the error propagates, so the transaction rolls back.
   */
  async publish<P>(uow: UnitOfWork, event: DomainEvent<P>, payload: P): Promise<void> {
    for (const listener of this.listeners().get(event.name) ?? []) {
      await listener.call(uow, payload);
    }
  }

  /** Asks every listener of `query` at once; returns the answers that are not null, in listener order. */
  async ask<Q, A>(query: DomainQuery<Q, A>, input: Q): Promise<A[]> {
    const answers = await Promise.all(
      (this.listeners().get(query.name) ?? []).map((l) => l.call(input) as Promise<A | null>),
    );
    return answers.filter((a): a is Awaited<A> => a !== null && a !== undefined) as A[];
  }

  /** Every listener, `event → Class.method`, in the order they run. */
  list(): { event: string; kind: 'event' | 'query'; listener: string }[] {
    return [...this.listeners().values()]
      .flat()
      .map((l) => ({ event: l.event, kind: l.kind, listener: l.name }));
  }

  private listeners(): Map<string, Listener[]> {
    if (this.table) {
      return this.table;
    }
    const table = new Map<string, Listener[]>();
    const seen = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) {
        continue;
      }
      if (seen.has(instance)) {
        continue;
      }
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') {
          continue;
        }
        const event = Reflect.getMetadata(DOMAIN_EVENT_LISTENER, fn) as
          DomainEvent<unknown> | DomainQuery<unknown, unknown> | undefined;
        if (!event) {
          continue;
        }
        const listener: Listener = {
          event: event.name,
          kind: event.kind,
          name: `${instance.constructor.name}.${method}`,
          call: (...args) => (fn as (...a: unknown[]) => Promise<unknown>).apply(instance, args),
        };
        table.set(event.name, [...(table.get(event.name) ?? []), listener]);
      }
    }
    this.table = table;
    return table;
  }
}
