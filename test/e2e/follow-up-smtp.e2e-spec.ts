import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { FollowUpSweepService } from 'src/modules/follow-up/follow-up-sweep.service';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { NotificationsService } from 'src/modules/notifications/notifications.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

type Received = { from: string; to: string[]; raw: string; subject: string; text: string };

/** Decodes a quoted-printable body (what nodemailer uses for long text lines). */
function decodeQuotedPrintable(body: string): string {
  return body.replace(/=\r?\n/g, '').replace(/(?:=[0-9A-F]{2})+/g, (m) =>
    Buffer.from(
      m
        .split('=')
        .slice(1)
        .map((h) => parseInt(h, 16)),
    ).toString('utf8'),
  );
}

function parse(raw: string, from: string, to: string[]): Received {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = /^Subject: (.*)$/im.exec(headers)?.[1] ?? '';
  const qp = /Content-Transfer-Encoding: quoted-printable/i.test(headers);
  const body = rest.join('\n\n');
  return { from, to, raw, subject, text: qp ? decodeQuotedPrintable(body) : body };
}

/** A real SMTP server on a free local port, no TLS, no auth: what nodemailer talks to in this test. */
async function startSmtp(): Promise<{
  server: SMTPServer;
  port: number;
  messages: Received[];
  waitFor: (n: number) => Promise<void>;
}> {
  const messages: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        messages.push(
          parse(
            Buffer.concat(chunks).toString('utf8'),
            from,
            session.envelope.rcptTo.map((r) => r.address),
          ),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const waitFor = async (n: number) => {
    const deadline = Date.now() + 10_000;
    while (messages.length < n) {
      if (Date.now() > deadline) {
        throw new Error(`only ${messages.length} of ${n} messages arrived`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { server, port, messages, waitFor };
}

describe('follow-up: e-mail delivery through a real local SMTP server (e2e)', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let staff: TestUser;
  let investigator: TestUser;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({
      now: '2026-05-20T10:00:00Z',
      env: {
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_FROM: 'RAM-MS test <trial@ram-ms.test>',
      },
    });
    staff = await t.factory.user('site_staff', {
      sites: ['DK-CPH'],
      email: 'staff.cph@hospital.test',
    });
    investigator = await t.factory.user('investigator', {
      sites: ['DK-CPH'],
      email: 'pi.cph@hospital.test',
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
  });

  async function participant() {
    const p = await t.factory.participant('DK-CPH');
    await t.factory.allocation(p.id, 'B', '2026-03-28T23:30:00Z');
    await t.app.get(FollowUpService).generateSchedule(p.id);
    return p;
  }

  it('sends a sweep reminder to the site staff by SMTP, with the study id and dates and no names, once', async () => {
    const p = await participant();
    t.clock?.set('2026-05-24T10:00:00Z'); // W012 window opens 2026-06-07: first reminder
    await t.app.get(FollowUpSweepService).sweep(t.clock?.now());
    await t.drainJobs();
    await smtp.waitFor(2);
    const toStaff = smtp.messages.filter((m) => m.to.includes('staff.cph@hospital.test'));
    const reminder = toStaff.find((m) => m.subject.includes(`${p.studyId} W012`));
    expect(reminder).toBeDefined();
    expect(reminder?.from).toBe('trial@ram-ms.test');
    expect(reminder?.subject).toBe(`${p.studyId} W012: window opens 2026-06-07`);
    expect(reminder?.text).toContain('Target date 2026-06-21; window 2026-06-07 to 2026-07-05.');
    expect(reminder?.raw).toMatch(/^Message-ID: <[0-9a-f-]{36}@ram-ms\.notifications>/im);
    expect(reminder?.raw).not.toMatch(/Test (site_staff|investigator)/); // not even staff names

    // Stamped as sent; running the e-mail job again does not send it again.
    const [row] = await t.dataSource.query(
      `SELECT id, emailed_at FROM notifications WHERE user_id = $1 AND data->>'studyId' = $2 AND kind = 'follow-up.window_opens_14d'`,
      [staff.id, p.studyId],
    );
    expect(row.emailed_at).not.toBeNull();
    const before = smtp.messages.length;
    expect(await t.app.get(NotificationsService).sendEmail(row.id)).toBe('already_sent');
    await t.app.get(FollowUpSweepService).sweep(t.clock?.now());
    await t.drainJobs();
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.length).toBe(before);
  });

  it('e-mails the investigator about an SAE', async () => {
    const p = await participant();
    const [w012] = await t.dataSource.query(
      `SELECT id FROM visits WHERE participant_id = $1 AND code = 'W012'`,
      [p.id],
    );
    t.clock?.set('2026-06-20T12:00:00Z');
    await t
      .http()
      .post(`/follow-up/visits/${w012.id}/log`)
      .set(bearer(staff))
      .send({
        visitDate: '2026-06-20',
        relapseAssessment: { newRelapse: false },
        adverseEvents: [
          {
            term: 'Sepsis',
            onsetDate: '2026-06-18',
            severity: 'severe',
            serious: true,
            seriousnessCriteria: ['hospitalisation', 'life_threatening'],
            outcome: 'recovering',
          },
        ],
      })
      .expect(200);
    const count = smtp.messages.length;
    await t.drainJobs();
    await smtp.waitFor(count + 1);
    const mail = smtp.messages.find(
      (m) => m.to.includes(investigator.email) && m.subject.startsWith('SAE:'),
    );
    expect(mail?.subject).toBe(`SAE: ${p.studyId} at DK-CPH, report due 2026-06-21T12:00:00.000Z`);
    expect(mail?.text).toContain('Report it to the sponsor within 24 hours');
    expect(mail?.text).not.toContain('Sepsis');
  });
});
