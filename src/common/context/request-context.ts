import { AsyncLocalStorage } from 'node:async_hooks';
import type { Role } from 'src/common/context/roles';

/** Who is acting: a signed-in user, or the system itself (worker jobs, start-up seed). */
export type Actor = {
  id: string | null;
  /**
   * The one role the actor acts in (chosen at sign-in, carried in the token). Scope, blinding and
   * permissions follow it alone, never the union of the user's roles.
   */
  role: Role | 'system';
  /** Sites of the actor's current memberships; ignored when `trialWide`. */
  siteIds: readonly string[];
  trialWide: boolean;
  /** The signed-in session (refresh-token family) the access token belongs to, when it names one. */
  sessionId?: string;
};

export const SYSTEM_ACTOR: Actor = { id: null, role: 'system', siteIds: [], trialWide: true };

/**
 * The `Idempotency-Key` of a create in progress (src/kernel/idempotency): claimed by the first
 * transaction of the request that commits.
 */
export type IdempotencyClaim = { key: string; requestHash: string; claimed: boolean };

/**
 * A cookie a use case asks the answer to set (or, with `value` null, to clear); the module that
 * asks applies it to the response (an interceptor), so services never touch the HTTP response.
 */
export type ResponseCookie = {
  name: string;
  value: string | null;
  options: {
    httpOnly: boolean;
    secure: boolean;
    sameSite: 'strict' | 'lax';
    path: string;
    maxAge?: number;
  };
};

type Store = {
  requestId: string;
  actor: Actor;
  idempotency?: IdempotencyClaim;
  cookies?: ResponseCookie[];
  /** Audit entries to be written with the request's first write (see `attachAudit`). */
  attachedAudits?: object[];
};

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
  idempotency(): IdempotencyClaim | undefined {
    return storage.getStore()?.idempotency;
  },
  setIdempotency(claim: IdempotencyClaim): void {
    const store = storage.getStore();
    if (store) {
      store.idempotency = claim;
    }
  },
  /** Asks the answer to this request to set (or clear) a cookie; the last one of a name wins. */
  setCookie(cookie: ResponseCookie): void {
    const store = storage.getStore();
    if (store) {
      store.cookies = [...(store.cookies ?? []).filter((c) => c.name !== cookie.name), cookie];
    }
  },
  cookies(): readonly ResponseCookie[] {
    return storage.getStore()?.cookies ?? [];
  },
  /**
   * An audit entry (the unit of work's AuditEntry) to be written in the request's first
   * transaction that writes audit rows, so it exists only if that write commits (e.g. a safety
   * report under the trial lock, recorded as an exception). Outside a request it is dropped.
   */
  attachAudit(entry: object): void {
    const store = storage.getStore();
    if (store) {
      store.attachedAudits = [...(store.attachedAudits ?? []), entry];
    }
  },
  attachedAudits(): readonly object[] {
    return storage.getStore()?.attachedAudits ?? [];
  },
  /** After the transaction that wrote them committed. */
  clearAttachedAudits(): void {
    const store = storage.getStore();
    if (store) {
      store.attachedAudits = [];
    }
  },
  setActor(actor: Actor): void {
    const store = storage.getStore();
    if (store) {
      store.actor = actor;
    }
  },
};
