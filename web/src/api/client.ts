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
export type Role = User['roles'][number];
export type ParticipantStatus = Participant['status'];
/** A page of a list (every paged answer has this shape). */
export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

/**
 * The typed API client: openapi-fetch over the generated `paths`, so every path, parameter and
 * request body is checked against the OpenAPI document at compile time. The session adds the
 * bearer token and hears about 401s through `configureAuth`.
 */
export const api = createClient<paths>({ baseUrl: window.location.origin });

let tokenOf: () => string | null = () => null;
let onUnauthorized: () => void = () => undefined;

const auth: Middleware = {
  onRequest({ request }) {
    const token = tokenOf();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  async onResponse({ request, response }) {
    // Only a refused token ends the session (a wrong signature password is also a 401).
    if (response.status === 401 && request.headers.has('Authorization')) {
      const body = (await response
        .clone()
        .json()
        .catch(() => ({}))) as { code?: string };
      if (body.code === 'INVALID_TOKEN' || body.code === 'UNAUTHENTICATED') onUnauthorized();
    }
    return response;
  },
};
api.use(auth);

export function configureAuth(getToken: () => string | null, unauthorized: () => void): void {
  tokenOf = getToken;
  onUnauthorized = unauthorized;
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

/** Plain text (SVG, iCalendar), with the same authentication. */
export async function getText(path: string): Promise<string> {
  const token = tokenOf();
  const res = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (res.status === 401 && token) {
    const body = (await res
      .clone()
      .json()
      .catch(() => ({}))) as { code?: string };
    if (body.code === 'INVALID_TOKEN') onUnauthorized();
  }
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
  return res.text();
}
