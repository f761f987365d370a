import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Clock } from 'src/common/clock/clock';
import { DomainError } from 'src/common/errors/domain-error';
import type { Actor } from 'src/common/context/request-context';
import { ROLES, type Role } from 'src/common/context/roles';
import { ValidateText } from 'src/common/validation/validators';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { AuthService } from './auth.service';

/** The feeds a user can subscribe to: a site's follow-up visits, a centre's transplant admissions. */
export const CALENDAR_FEEDS = ['visits', 'admissions'] as const;
export type CalendarFeedKind = (typeof CALENDAR_FEEDS)[number];

export type CalendarFeed = {
  id: string;
  feed: CalendarFeedKind;
  siteId: string;
  label: string;
  actingRole: Role;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

/** A feed's secret: 32 random bytes, base64url (43 characters). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

const COLUMNS = `id, feed, site_id AS "siteId", label, acting_role AS "actingRole",
  created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

export const CalendarFeedErrors = {
  notFound: () =>
    new DomainError('CALENDAR_FEED_NOT_FOUND', 'not_found', 'Calendar subscription not found'),
};

/**
 * Calendar subscriptions (RFC 5545 feeds that Outlook, Google and Apple calendars poll): the
 * secret in the feed's URL stands for its user acting in the role it was made in, for one site's
 * feed, with the scope that user has at each poll (a membership that ended ends the feed's view
 * of that site; a deactivated account's feeds answer 404). Revocable; only its hash is kept; the
 * secret is shown once. The module owning the feed checks its own roles and scope on every poll.
 */
@Injectable()
export class CalendarFeeds {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly auth: AuthService,
    private readonly clock: Clock,
  ) {}

  /** A new subscription for the acting user; the caller has checked they may read this feed. */
  async create(
    actor: Actor,
    feed: CalendarFeedKind,
    siteId: string,
    label: string,
  ): Promise<{ feed: CalendarFeed; token: string }> {
    const token = randomBytes(32).toString('base64url');
    const created = await this.tx.run(async (uow) => {
      const [row] = (await uow.em.query(
        `INSERT INTO calendar_feeds (user_id, acting_role, feed, site_id, label, token_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [actor.id, actor.role, feed, siteId, label, digest(token), this.clock.now()],
      )) as CalendarFeed[];
      uow.audit({
        action: 'calendar_feed.created',
        entity: 'calendar_feed',
        entityId: row.id,
        after: { feed, siteId, actingRole: actor.role },
      });
      return row;
    });
    return { feed: created, token };
  }

  /** The user's own subscriptions, newest first (never their secrets). */
  list(actor: Actor): Promise<CalendarFeed[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM calendar_feeds WHERE user_id = $1 ORDER BY created_at DESC, id`,
      [actor.id],
    );
  }

  /** Ends one of the user's own subscriptions: its URL answers 404 from now on. */
  async revoke(actor: Actor, id: string): Promise<CalendarFeed> {
    return this.tx.run(async (uow) => {
      const [row] = (await uow.em.query(
        `UPDATE calendar_feeds SET revoked_at = COALESCE(revoked_at, $3)
         WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
        [id, actor.id, this.clock.now()],
      )) as [CalendarFeed[], number];
      const feed = row[0];
      if (!feed) {
        throw CalendarFeedErrors.notFound();
      }
      uow.audit({
        action: 'calendar_feed.revoked',
        entity: 'calendar_feed',
        entityId: id,
        after: { feed: feed.feed, siteId: feed.siteId },
      });
      return feed;
    });
  }

  /**
   * Who a feed URL's secret stands for now and which site it shows, or null (unknown, revoked,
   * another kind of feed, or the account can no longer act in that role).
   */
  async resolve(
    token: string,
    feed: CalendarFeedKind,
  ): Promise<{ actor: Actor; siteId: string } | null> {
    if (!TOKEN.test(token)) {
      return null;
    }
    const [row] = (await this.dataSource.query(
      `UPDATE calendar_feeds SET last_used_at = $3
       WHERE token_hash = $1 AND feed = $2 AND revoked_at IS NULL
       RETURNING user_id AS "userId", acting_role AS "actingRole", site_id AS "siteId"`,
      [digest(token), feed, this.clock.now()],
    )) as [{ userId: string; actingRole: Role; siteId: string }[], number];
    const found = row[0];
    if (!found) {
      return null;
    }
    const actor = await this.auth.actorFor(found.userId, found.actingRole);
    return actor ? { actor, siteId: found.siteId } : null;
  }
}

// ---- the contract of the routes that make and list subscriptions ----

/** What a new subscription is called in the user's list (e.g. "Outlook at the ward"). */
export class NewCalendarFeedDto {
  @ValidateText(100, { optional: true, description: 'A name for this subscription' })
  label?: string;
}

export class CalendarFeedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CALENDAR_FEEDS }) feed: CalendarFeedKind;
  @ApiProperty({ format: 'uuid' }) siteId: string;
  @ApiProperty() label: string;
  @ApiProperty({ enum: ROLES, description: 'The role the feed shows what it may see' })
  actingRole: Role;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
}

/** A new subscription: its secret path, shown this once (the server keeps only a hash). */
export class CreatedCalendarFeedDto extends CalendarFeedDto {
  @ApiProperty({
    description:
      "The feed path holding the secret, to put after this server's address (https:// or webcal://); shown once",
  })
  path: string;
}

export const toCalendarFeedDto = (f: CalendarFeed): CalendarFeedDto => ({
  id: f.id,
  feed: f.feed,
  siteId: f.siteId,
  label: f.label,
  actingRole: f.actingRole,
  createdAt: f.createdAt.toISOString(),
  lastUsedAt: f.lastUsedAt?.toISOString() ?? null,
  revokedAt: f.revokedAt?.toISOString() ?? null,
});
