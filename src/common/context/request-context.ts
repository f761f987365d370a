import { AsyncLocalStorage } from 'node:async_hooks';
import type { Role } from '../../modules/auth/roles';

/** Who is acting: a signed-in user, or the system itself (worker jobs, start-up seed). */
export type Actor = {
  id: string | null;
  /** The role under which the current action was authorised (first matching role of the route). */
  role: Role | 'system';
  roles: readonly Role[];
  /** Sites the actor belongs to; ignored when `trialWide`. */
  siteIds: readonly string[];
  trialWide: boolean;
};

export const SYSTEM_ACTOR: Actor = { id: null, role: 'system', roles: [], siteIds: [], trialWide: true };

type Store = { requestId: string; actor: Actor };

const storage = new AsyncLocalStorage<Store>();

/** Per-request (or per-job) context: request id and actor, read by the audit trail and logs. */
export const RequestContext = {
  run<T>(requestId: string, fn: () => T, actor: Actor = SYSTEM_ACTOR): T {
    return storage.run({ requestId, actor }, fn);
  },
  requestId(): string | null {
    return storage.getStore()?.requestId ?? null;
  },
  actor(): Actor {
    return storage.getStore()?.actor ?? SYSTEM_ACTOR;
  },
  setActor(actor: Actor): void {
    const store = storage.getStore();
    if (store) store.actor = actor;
  },
};
