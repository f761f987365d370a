import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';

export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  /** A stable Message-ID, so a message sent twice (a retried job) can be recognised by receivers. */
  messageId: string;
};

/**
 * SMTP delivery through nodemailer, when SMTP_URL is configured; otherwise disabled and the inbox
 * is the only channel. One pooled transport per process, closed at shutdown.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger(Mailer.name);
  private transport: Transporter | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.SMTP_URL !== '';
  }

  async send(mail: OutgoingMail): Promise<void> {
    if (!this.enabled) {
      throw new Error('SMTP is not configured (SMTP_URL is empty)');
    }
    this.transport ??= createTransport(this.config.SMTP_URL);
    await this.transport.sendMail({
      from: this.config.SMTP_FROM,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
    });
    this.logger.debug(`sent ${mail.messageId}`);
  }

  onApplicationShutdown(): void {
    this.transport?.close();
    this.transport = null;
  }
}
