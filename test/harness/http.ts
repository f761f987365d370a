import { randomBytes } from 'node:crypto';
import supertest from 'supertest';
import type { ScreeningData } from 'src/modules/eligibility/engine';
import {
  ASSESSMENT_DATE,
  ramMsEligibleRecord,
} from 'src/modules/eligibility/engine/testing/screening.builders';
import { TEST_PASSWORD } from './factory';

/** A request builder for an API: supertest on an in-process app, or on a URL of another process. */
export type Http = () => ReturnType<typeof supertest>;

export const httpAt =
  (url: string): Http =>
  () =>
    supertest(url);

export const bearerOf = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Today (UTC) as YYYY-MM-DD, for processes that run on the real clock. */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/**
 * The engine builders' eligible record (designed for ASSESSMENT_DATE) with every date moved so
 * that it is eligible on `today` (for apps running on the real clock).
 */
export function eligibleRecordOn(
  today: string,
  record: ScreeningData = ramMsEligibleRecord(),
): ScreeningData {
  const days = Math.round((Date.parse(today) - Date.parse(ASSESSMENT_DATE)) / 86_400_000);
  const shift = (d: string) =>
    new Date(Date.parse(d) + days * 86_400_000).toISOString().slice(0, 10);
  return JSON.parse(JSON.stringify(record).replace(/\d{4}-\d{2}-\d{2}/g, shift)) as ScreeningData;
}

/** Signs in through the API and returns the access token. */
export async function login(http: Http, email: string, password = TEST_PASSWORD): Promise<string> {
  const res = await http().post('/auth/login').send({ email, password });
  if (res.status !== 200) {
    throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.accessToken as string;
}

export type Identity = {
  givenName: string;
  familyName: string;
  birthDate?: string;
  nationalId?: { type: string; value: string };
  contact?: Record<string, unknown>;
};

/**
 * The whole enrolment pathway of one candidate over HTTP (the same steps as pathway.ts
 * `consentedParticipant`), on any API, for apps on the real clock: registration with `identity`,
 * pathway steps, screening data, assessment, investigator signature, consent dated `today`.
 * Each step may go to a different API (`http` as a list: step i uses http[i % n]).
 */
export async function consentedParticipantVia(
  http: Http | Http[],
  staff: { coordinator: string; investigator: string; siteId: string },
  opts: { today?: string; identity?: Identity } = {},
): Promise<string> {
  const apis = Array.isArray(http) ? http : [http];
  let step = 0;
  const next = () => apis[step++ % apis.length]();
  const today = opts.today ?? todayUtc();
  const { birthDate, consent: _c, ...data } = eligibleRecordOn(today);
  // A distinct person each time: the same name and birth date twice is a likely duplicate (409).
  const identity = {
    givenName: `Test${randomBytes(4).toString('hex')}`,
    familyName: 'Participant',
    birthDate,
    ...opts.identity,
  };
  const reg = await next()
    .post('/participants')
    .set(bearerOf(staff.coordinator))
    .send({ siteId: staff.siteId, identity });
  if (reg.status !== 201) {
    throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
  }
  const id = reg.body.id as string;
  for (const to of [
    'phone_check_done',
    'records_reviewed',
    'screening_visit_planned',
    'screening_visit_done',
  ]) {
    const r = await next()
      .post(`/participants/${id}/transitions`)
      .set(bearerOf(staff.coordinator))
      .send({ to });
    if (r.status !== 200) {
      throw new Error(`transition ${to}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
  const screening = await next()
    .patch(`/participants/${id}/screening`)
    .set(bearerOf(staff.coordinator))
    .send(data);
  if (screening.status !== 200) {
    throw new Error(`screening: ${screening.status} ${JSON.stringify(screening.body)}`);
  }
  const a = await next()
    .post(`/participants/${id}/assessments`)
    .set(bearerOf(staff.coordinator))
    .send({});
  if (a.status !== 201 || a.body.result !== 'eligible') {
    throw new Error(`assessment: ${a.status} ${JSON.stringify(a.body)}`);
  }
  const s = await next()
    .post(`/participants/${id}/assessments/${a.body.id}/sign`)
    .set(bearerOf(staff.investigator))
    .send({ password: TEST_PASSWORD, meaning: 'I confirm this eligibility decision' });
  if (s.status !== 200) {
    throw new Error(`sign: ${s.status} ${JSON.stringify(s.body)}`);
  }
  const c = await next()
    .post(`/participants/${id}/consent`)
    .set(bearerOf(staff.coordinator))
    .send({ version: '3.0', date: today });
  if (c.status !== 200) {
    throw new Error(`consent: ${c.status} ${JSON.stringify(c.body)}`);
  }
  return id;
}
