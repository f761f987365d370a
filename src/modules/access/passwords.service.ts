import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import type { Role } from 'src/common/context/roles';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { TransactionRunner, type UnitOfWork } from 'src/kernel/unit-of-work';
import { MailApi } from 'src/modules/notifications/mail.api';
import { PasswordResetMailJob } from './access.jobs';
import { AuthErrors } from './auth.errors';
import { AuthService, type Session } from './auth.service';
import { checkPassword, hashPassword, passwordProblem } from './password';
import { PasswordErrors } from './passwords.errors';
import { PasswordsRepository, type PasswordState, type ResetRow } from './passwords.repository';
import {
  newResetToken,
  openResetToken,
  resetSealKey,
  resetTokenHash,
  sealResetToken,
} from './reset-token';
import type { UserEntity } from './user.entity';
import { UserErrors } from './users.errors';
import { UsersService } from './users.service';
import { SessionsService } from './sessions.service';

export type ResetMailOutcome = 'sent' | 'already_sent' | 'skipped';

const live = (r: ResetRow, now: Date): boolean =>
  r.usedAt === null && r.supersededAt === null && new Date(r.expiresAt) > now;

/** A temporary password an admin hands over: 24 random base64url characters (144 bits). */
function temporaryPassword(email: string): string {
  for (;;) {
    const candidate = randomBytes(18).toString('base64url');
    if (!passwordProblem(candidate, email)) {
      return candidate;
    }
  }
}

/**
 * Passwords: changing one's own (the current password required), an admin's reset to a temporary
 * password that must be changed at the next sign-in, and the forgotten password (a single-use link
 * by e-mail). A new password may not be one of the PASSWORD_HISTORY most recent ones. Every change
 * ends the account's other sessions (the token version moves on) and is audited, never with a
 * password, hash or token.
 */
@Injectable()
export class PasswordsService {
  private readonly logger = new Logger(PasswordsService.name);
  private readonly sealKey: Buffer;

  constructor(
    private readonly passwords: PasswordsRepository,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly mail: MailApi,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sealKey = resetSealKey(config.JWT_SECRET);
  }

  /**
   * Changes the actor's own password. A wrong current password is refused (and audited as a
   * failed attempt); on success every other session ends and the caller gets a fresh session.
   */
  async changeOwn(actor: Actor, currentPassword: string, newPassword: string): Promise<Session> {
    const userId = actor.id as string;
    const state = await this.passwords.state(userId);
    if (!state?.active) {
      throw AuthErrors.invalidToken();
    }
    if (!(await checkPassword(currentPassword, state.passwordHash))) {
      await this.tx.run(async (uow) =>
        uow.audit({
          action: 'user.password_change_failed',
          entity: 'user',
          entityId: userId,
          after: { outcome: 'wrong_current_password' },
        }),
      );
      throw PasswordErrors.currentIncorrect();
    }
    const newHash = await this.acceptable(state, newPassword);
    await this.tx.run(async (uow) => {
      const locked = await this.passwords.state(userId, uow.em, true);
      // Changed by another request since it was checked: the password given is no longer current.
      if (!locked || locked.passwordHash !== state.passwordHash) {
        throw PasswordErrors.currentIncorrect();
      }
      await this.replace(locked, newHash, false, uow);
      uow.audit({
        action: 'user.password_changed',
        entity: 'user',
        entityId: userId,
        before: { passwordChangeRequired: locked.passwordChangeRequired },
        after: { passwordChangeRequired: false, otherSessionsEnded: true },
      });
    });
    const user = await this.users.get(userId);
    return this.auth.session(user, actor.role as Role);
  }

  /**
   * An admin resets another account's password to a temporary one, shown once in the answer: the
   * account's sessions end, and it must choose its own password at the next sign-in.
   */
  async adminReset(
    userId: string,
    actor: Actor,
    reason?: string,
  ): Promise<{ temporaryPassword: string; user: UserEntity }> {
    if (userId === actor.id) {
      throw PasswordErrors.selfReset();
    }
    const state = await this.passwords.state(userId);
    if (!state) {
      throw UserErrors.notFound();
    }
    const temporary = temporaryPassword(state.email);
    const newHash = await hashPassword(temporary, this.config.BCRYPT_ROUNDS);
    await this.tx.run(async (uow) => {
      const locked = await this.passwords.state(userId, uow.em, true);
      if (!locked) {
        throw UserErrors.notFound();
      }
      await this.replace(locked, newHash, true, uow);
      uow.audit({
        action: 'user.password_reset',
        entity: 'user',
        entityId: userId,
        before: { passwordChangeRequired: locked.passwordChangeRequired },
        after: { passwordChangeRequired: true, sessionsEnded: true },
        reason: reason ?? null,
      });
    });
    return { temporaryPassword: temporary, user: await this.users.get(userId) };
  }

  /**
   * A forgotten password: for an active account, a single-use link valid PASSWORD_RESET_TTL_MINUTES
   * is e-mailed (through the outbox; a newer request replaces an older link). The caller learns
   * nothing: an unknown or deactivated address gets the same answer, after the same kind of work.
   */
  async forgot(email: string): Promise<void> {
    const state = await this.passwords.stateByEmail(email.trim());
    const now = this.clock.now();
    // The token is made and sealed whatever the outcome, so each answer costs about the same.
    const id = randomUUID();
    const token = newResetToken();
    const sealed = sealResetToken(this.sealKey, id, token);
    const outcome = !state
      ? 'unknown_account'
      : !state.active
        ? 'inactive_account'
        : !this.mail.enabled
          ? 'no_mail_transport'
          : 'mail_queued';
    await this.tx.run(async (uow) => {
      if (state && outcome === 'mail_queued') {
        await this.passwords.state(state.id, uow.em, true); // one request per account at a time
        await this.passwords.supersedeLive(state.id, now, uow.em);
        await this.passwords.insertReset(
          {
            id,
            userId: state.id,
            tokenHash: resetTokenHash(token),
            sealedToken: sealed,
            createdAt: now,
            expiresAt: new Date(now.getTime() + this.config.PASSWORD_RESET_TTL_MINUTES * 60_000),
          },
          uow.em,
        );
        uow.enqueue(PasswordResetMailJob, { resetId: id });
      }
      uow.audit({
        action: 'auth.password_reset_requested',
        entity: 'user',
        entityId: state?.id ?? null,
        after: { outcome },
      });
    });
    if (outcome === 'no_mail_transport') {
      this.logger.warn(
        'A forgotten-password e-mail was asked for, but SMTP_URL is not configured: nothing was sent',
      );
    }
  }

  /** Sets a new password with a forgotten-password link's token: once, before it expires. */
  async resetWithToken(token: string, newPassword: string): Promise<void> {
    const tokenHash = resetTokenHash(token);
    const row = await this.passwords.resetByHash(tokenHash);
    const state = row ? await this.passwords.state(row.userId) : null;
    if (!row || !state?.active || !live(row, this.clock.now())) {
      await this.tx.run(async (uow) =>
        uow.audit({
          action: 'auth.password_reset_failed',
          entity: 'user',
          entityId: row?.userId ?? null,
          after: {
            outcome: !row
              ? 'unknown_token'
              : !state?.active
                ? 'inactive_account'
                : row.usedAt
                  ? 'used_token'
                  : row.supersededAt
                    ? 'replaced_token'
                    : 'expired_token',
          },
        }),
      );
      throw PasswordErrors.resetTokenInvalid();
    }
    const newHash = await this.acceptable(state, newPassword);
    await this.tx.run(async (uow) => {
      const locked = await this.passwords.resetByHash(tokenHash, uow.em, true);
      if (!locked || !live(locked, this.clock.now())) {
        throw PasswordErrors.resetTokenInvalid();
      }
      const account = await this.passwords.state(locked.userId, uow.em, true);
      if (!account?.active) {
        throw PasswordErrors.resetTokenInvalid();
      }
      await this.passwords.markUsed(locked.id, this.clock.now(), uow.em);
      await this.replace(account, newHash, false, uow);
      uow.audit({
        action: 'user.password_reset_completed',
        entity: 'user',
        entityId: account.id,
        before: { passwordChangeRequired: account.passwordChangeRequired },
        after: { passwordChangeRequired: false, via: 'email_link', sessionsEnded: true },
      });
    });
  }

  /**
   * The worker's half of a forgotten password: opens the sealed token, e-mails the link, and drops
   * the sealed token. A link no longer live (used, replaced, expired) or an account deactivated
   * since is not sent. A send that fails throws, so the job is retried.
   */
  async sendResetMail(resetId: string): Promise<ResetMailOutcome> {
    const row = await this.passwords.resetForMail(resetId);
    if (!row) {
      return 'skipped';
    }
    if (row.mailedAt) {
      return 'already_sent';
    }
    const now = this.clock.now();
    if (!row.sealedToken || !row.active || !live(row, now) || !this.mail.enabled) {
      await this.passwords.markMailed(row.id, null);
      return 'skipped';
    }
    const token = openResetToken(this.sealKey, row.id, row.sealedToken);
    const link = `${this.config.APP_PUBLIC_URL}/app/reset-password#token=${token}`;
    const minutes = this.config.PASSWORD_RESET_TTL_MINUTES;
    await this.mail.send({
      to: row.email,
      subject: 'Reset your RAM-MS password',
      text: [
        'Someone, probably you, asked to reset the password of your RAM-MS account.',
        '',
        `Choose a new password here (the link works once, for ${minutes} minutes):`,
        link,
        '',
        'If you did not ask for this, ignore this message: your password stays as it is.',
        '',
        '-- ',
        'RAM-MS trial management system',
      ].join('\n'),
      messageId: `<${row.id}@ram-ms.password-reset>`,
    });
    await this.passwords.markMailed(row.id, now);
    return 'sent';
  }

  /** For the outbox reconciliation: has the reset e-mail nothing (more) to do? */
  async resetMailSettled(resetId: string): Promise<boolean> {
    const row = await this.passwords.resetForMail(resetId);
    return !row || row.mailedAt !== null || row.sealedToken === null;
  }

  /**
   * The new password's hash when the policy allows it and it is none of the PASSWORD_HISTORY most
   * recent passwords (the current one included); compared with bcrypt, in parallel.
   */
  private async acceptable(state: PasswordState, newPassword: string): Promise<string> {
    const problem = passwordProblem(newPassword, state.email);
    if (problem) {
      throw PasswordErrors.policy(problem);
    }
    const recent = this.config.PASSWORD_HISTORY;
    const hashes = [state.passwordHash, ...(await this.passwords.history(state.id, recent - 1))];
    const matches = await Promise.all(hashes.map((h) => checkPassword(newPassword, h)));
    if (matches.some(Boolean)) {
      throw PasswordErrors.reused(recent);
    }
    return hashPassword(newPassword, this.config.BCRYPT_ROUNDS);
  }

  /**
   * A temporary password (generated, or set by an admin) is not kept in the history. Every session
   * of the account ends (the token version moves on too, so its access tokens die at once).
   */
  private async replace(
    state: PasswordState,
    newHash: string,
    changeRequired: boolean,
    uow: UnitOfWork,
  ): Promise<void> {
    await this.sessions.revokeAll(state.id, 'password_changed', uow);
    await this.passwords.replace(
      state.id,
      {
        newHash,
        oldHash: state.passwordChangeRequired ? null : state.passwordHash,
        keep: this.config.PASSWORD_HISTORY - 1,
        changeRequired,
        now: this.clock.now(),
      },
      uow.em,
    );
  }
}
