import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** The schemas of the OpenAPI document (generated): `Schemas['UserResponseDto']`. */
export type Schemas = components['schemas'];
/** The one error body of every 4xx/5xx answer, and one entry of its `errors`. */
export type ErrorBody = Schemas['ErrorResponseDto'];
export type FieldError = Schemas['FieldErrorDto'];

// Short names for the schemas the pages use (all generated; nothing here is written by hand).
export type User = Schemas['UserResponseDto'];
export type Site = Schemas['SiteResponseDto'];
export type StaffMember = Schemas['StaffMemberDto'];
export type Participant = Schemas['ParticipantResponseDto'];
export type StatusHistory = Schemas['StatusHistoryDto'];
export type ScreeningEpisode = Schemas['ScreeningEpisodeResponseDto'];
export type ScreeningRecord = Schemas['ScreeningSectionsDto'];
export type Eligibility = Schemas['EligibilityResponseDto'];
export type SetResult = Schemas['SetResultDto'];
export type Assessment = Schemas['AssessmentResponseDto'];
export type Allocation = Schemas['AllocationResponseDto'];
export type Readiness = Schemas['RandomizationReadinessDto'];
export type Booking = Schemas['BookingResponseDto'];
export type QuarterReport = Schemas['QuarterReportDto'];
export type Waitlist = Schemas['WaitlistDto'];
export type Identity = Schemas['IdentityResponseDto'];
export type ScreeningLog = Schemas['ScreeningLogResponseDto'];
export type Capacity = Schemas['CapacityResponseDto'];
export type AuditEntry = Schemas['AuditEntryDto'];
export type AuditVerification = Schemas['AuditVerificationDto'];
export type PublicSite = Schemas['PublicSiteDto'];
export type PrescreeningAnswers = Schemas['PrescreeningAnswersDto'];
export type PrescreeningCheckResult = Schemas['PrescreeningCheckResultDto'];
export type Notification = Schemas['NotificationDto'];
export type NotificationPage = Schemas['NotificationPageDto'];
export type Visit = Schemas['VisitResponseDto'];
export type VisitDetail = Schemas['VisitDetailResponseDto'];
export type CalendarItem = Schemas['CalendarItemDto'];
export type SiteCalendar = Schemas['SiteCalendarDto'];
export type VisitRef = Schemas['SiteVisitItemDto'];
export type SiteFollowUpReport = Schemas['SiteFollowUpReportDto'];
export type Deviation = Schemas['DeviationResponseDto'];
export type ReportingClock = Schemas['ReportingClockDto'];
export type AdverseEvent = Schemas['AdverseEventResponseDto'];
export type RandomizationConfig = Schemas['RandomizationConfigViewDto'];
export type Commitment = Schemas['CommitmentDto'];
export type BalanceRow = Schemas['StratumBalanceDto'];
export type Verification = Schemas['VerificationReportDto'];
export type Simulation = Schemas['SimulationResultDto'];
export type SessionResponse = Schemas['LoginResponseDto'];
export type Draft = Schemas['DraftResponseDto'];
/** A query in a list (its steps only when the list was asked to include them). */
export type DataQuery = Schemas['QueryListItemDto'];
export type DataQueryDetail = Schemas['QueryDetailDto'];
export type DataQueryEvent = Schemas['QueryEventDto'];
export type QueryAgeing = Schemas['QueryAgeingDto'];
export type Role = User['roles'][number];
export type ParticipantStatus = Participant['status'];
/** A page of a list (every paged answer has this shape). */
export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

/**
 * The typed API client: openapi-fetch over the generated `paths`, so every path, parameter and
 * request body is checked against the OpenAPI document at compile time. The session adds the
 * bearer token and renews itself after a refused token through `configureAuth`.
 */
export const api = createClient<paths>({ baseUrl: window.location.origin });

let tokenOf: () => string | null = () => null;
/** Renews the session after a refused token: the new token, or null (then the 401 stands). */
let renew: () => Promise<string | null> = () => Promise.resolve(null);

/** The session's own routes (sign-in, renewal, sign-out) are never retried after a 401. */
const SESSION_ROUTES = /\/auth\/(login|refresh|logout|logout-everywhere)$/;
/** A copy of each request as sent, to send it once more with a renewed token. */
const pending = new Map<string, Request>();

const auth: Middleware = {
  onRequest({ request, id }) {
    const token = tokenOf();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    if (token && !SESSION_ROUTES.test(new URL(request.url).pathname))
      pending.set(id, request.clone());
    return request;
  },
  async onResponse({ request, response, id }) {
    const copy = pending.get(id);
    pending.delete(id);
    // Only a refused token renews the session (a wrong signature password is also a 401).
    if (response.status !== 401 || !copy || !request.headers.has('Authorization')) return response;
    const body = (await response
      .clone()
      .json()
      .catch(() => ({}))) as { code?: string };
    if (body.code !== 'INVALID_TOKEN' && body.code !== 'UNAUTHENTICATED') return response;
    const token = await renew();
    if (!token) return response;
    copy.headers.set('Authorization', `Bearer ${token}`);
    return fetch(copy);
  },
  onError({ id }) {
    pending.delete(id);
  },
};
api.use(auth);

/**
 * How the client authenticates: the access token in memory (never in the browser's storage), and
 * what to do when the server refuses it (renew the session once, then send the request again).
 */
export function configureAuth(
  getToken: () => string | null,
  renewSession: () => Promise<string | null>,
): void {
  tokenOf = getToken;
  renew = renewSession;
}

/**
 * The API's error body ({ statusCode, code, message, errors: [{ path, code, message, params }],
 * requestId }) as an Error.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];
  readonly requestId: string | undefined;

  constructor(status: number, body: unknown) {
    const b = (body && typeof body === 'object' ? body : {}) as Partial<ErrorBody>;
    super(b.message ?? `The server answered ${status}`);
    this.status = status;
    this.code = b.code ?? `HTTP_${status}`;
    this.errors = Array.isArray(b.errors) ? b.errors : [];
    this.requestId = b.requestId;
  }

  /** The params of the first entry with this code (e.g. STALE_VERSION's `changedSince`). */
  paramsOf(code: string): Record<string, unknown> {
    return this.errors.find((e) => e.code === code)?.params ?? {};
  }

  /**
   * Field-level messages keyed by dotted path (`relapses.0.onsetDate`); entries about the whole
   * request (path '') are not field messages.
   */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const norm = (p: string) => p.replace(/\[(\d+)\]/g, '.$1');
    // The field's label is shown next to the message, so the message drops the path.
    const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
    for (const e of this.errors) {
      if (!e.path) continue;
      const text = e.message.startsWith(`${e.path} `)
        ? e.message.slice(e.path.length + 1)
        : e.message;
      out[norm(e.path)] ??= sentence(text);
    }
    return out;
  }
}

type Result<D> = { data?: D; error?: unknown; response: Response };

/** Awaits an openapi-fetch call: its typed data, or an ApiError. */
export async function call<D>(request: Promise<Result<D>>): Promise<D> {
  const { data, error, response } = await request;
  if (!response.ok) throw new ApiError(response.status, error);
  return data as D;
}

/** A GET with the same authentication (and one renewal after a 401); refused answers throw. */
async function authorisedGet(path: string): Promise<Response> {
  const get = (token: string | null) =>
    fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const token = tokenOf();
  let res = await get(token);
  if (res.status === 401 && token) {
    const body = (await res
      .clone()
      .json()
      .catch(() => ({}))) as { code?: string };
    const renewed = body.code === 'INVALID_TOKEN' ? await renew() : null;
    if (renewed) res = await get(renewed);
  }
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
  return res;
}

/** Plain text (SVG, iCalendar), with the same authentication (and one renewal after a 401). */
export async function getText(path: string): Promise<string> {
  return (await authorisedGet(path)).text();
}

/** A file to download (an export's file), with the same authentication. */
export async function getBlob(path: string): Promise<Blob> {
  return (await authorisedGet(path)).blob();
}
