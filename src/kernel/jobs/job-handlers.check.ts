import { type DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { AnyJobContract } from './job-contract';
import { JOB_HANDLER } from './job-handler';

/** The registered job contracts (src/job-contracts.ts), given to the worker's start-up check. */
export const JOB_CONTRACTS = Symbol('JOB_CONTRACTS');

/** `@Processor(queue)`'s metadata key in @nestjs/bull (not exported from its index). */
const BULL_MODULE_QUEUE = 'bull:module_queue';

export type FoundHandler = {
  contract: AnyJobContract;
  /** `Class.method`. */
  handler: string;
  /** The queue of the method's `@Processor` class, if any. */
  processorQueue: string | null;
};

const label = (c: Pick<AnyJobContract, 'queue' | 'name'>) => `${c.queue}/${c.name}`;

/**
 * What keeps the worker from starting: a registered contract without a handler or with more than
 * one, a handler of a contract that is not registered, a handler on a processor of another queue,
 * and a job registered twice. Empty when every contract has exactly one processor method.
 */
export function jobHandlerProblems(
  contracts: readonly AnyJobContract[],
  handlers: readonly FoundHandler[],
): string[] {
  const problems: string[] = [];
  const registered = new Map<string, AnyJobContract>();
  for (const c of contracts) {
    if (registered.has(label(c))) {
      problems.push(`${label(c)} is registered twice`);
    }
    registered.set(label(c), c);
  }
  for (const c of registered.values()) {
    const mine = handlers.filter((h) => label(h.contract) === label(c));
    if (mine.length === 0) {
      problems.push(`${label(c)} has no handler (mark a processor method @JobHandler(${c.name}))`);
    } else if (mine.length > 1) {
      problems.push(
        `${label(c)} has ${mine.length} handlers: ${mine.map((h) => h.handler).join(', ')}`,
      );
    }
  }
  for (const h of handlers) {
    if (!registered.has(label(h.contract))) {
      problems.push(
        `${h.handler} handles ${label(h.contract)}, which is not a registered contract`,
      );
    }
    if (h.processorQueue !== h.contract.queue) {
      problems.push(
        `${h.handler} handles ${label(h.contract)} but its @Processor is for ${h.processorQueue ?? 'no queue'}`,
      );
    }
  }
  return problems;
}

/**
 * The worker's start-up check: built while the worker's providers are created, before any queue is
 * processed; it throws (and so the worker does not start) when `jobHandlerProblems` finds any.
 */
@Injectable()
export class JobHandlersCheck {
  /** Every handler found, contract → `Class.method`, for the contract list test. */
  readonly handlers: FoundHandler[];

  constructor(
    discovery: DiscoveryService,
    scanner: MetadataScanner,
    @Inject(JOB_CONTRACTS) contracts: readonly AnyJobContract[],
  ) {
    this.handlers = findHandlers(discovery, scanner);
    const problems = jobHandlerProblems(contracts, this.handlers);
    if (problems.length > 0) {
      throw new Error(
        `The worker refuses to start: the job contracts and their handlers do not match:\n  - ${problems.join('\n  - ')}`,
      );
    }
  }
}

function findHandlers(discovery: DiscoveryService, scanner: MetadataScanner): FoundHandler[] {
  const found: FoundHandler[] = [];
  const seen = new Set<unknown>();
  for (const wrapper of discovery.getProviders()) {
    const type = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
    if (!type || wrapper.inject || typeof type !== 'function' || seen.has(type)) {
      continue;
    }
    seen.add(type);
    const prototype = type.prototype as Record<string, unknown> | undefined;
    if (!prototype) {
      continue;
    }
    for (const method of scanner.getAllMethodNames(prototype)) {
      const contract = Reflect.getMetadata(JOB_HANDLER, prototype[method] as object) as
        AnyJobContract | undefined;
      if (contract) {
        const queue = Reflect.getMetadata(BULL_MODULE_QUEUE, type) as { name?: string } | undefined;
        found.push({
          contract,
          handler: `${type.name}.${method}`,
          processorQueue: queue?.name ?? null,
        });
      }
    }
  }
  return found;
}

/** The start-up check for a worker: imported by WorkerModule with every registered contract. */
@Module({})
export class JobHandlersCheckModule {
  static forWorker(contracts: readonly AnyJobContract[]): DynamicModule {
    return {
      module: JobHandlersCheckModule,
      imports: [DiscoveryModule],
      providers: [{ provide: JOB_CONTRACTS, useValue: contracts }, JobHandlersCheck],
      exports: [JobHandlersCheck],
    };
  }
}
