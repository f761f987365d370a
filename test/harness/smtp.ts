import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type ReceivedMail = {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  text: string;
};

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

function parse(raw: string, from: string, to: string[]): ReceivedMail {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = /^Subject: (.*)$/im.exec(headers)?.[1] ?? '';
  const qp = /Content-Transfer-Encoding: quoted-printable/i.test(headers);
  const body = rest.join('\n\n');
  return { from, to, raw, subject, text: qp ? decodeQuotedPrintable(body) : body };
}

export type LocalSmtp = {
  server: SMTPServer;
  port: number;
  messages: ReceivedMail[];
  /** Waits until `n` messages in all have arrived (10 s at most). */
  waitFor: (n: number) => Promise<void>;
  close: () => Promise<void>;
};

/** A real SMTP server on a free local port, no TLS, no auth: what nodemailer talks to in tests. */
export async function startSmtp(): Promise<LocalSmtp> {
  const messages: ReceivedMail[] = [];
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
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { server, port, messages, waitFor, close };
}
