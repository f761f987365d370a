import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from 'src/common/clock/clock';
import { type Role, TRIAL_WIDE_BY_NATURE } from 'src/common/context/roles';
import type { Membership, UserEntity } from './user.entity';

export type UserFilter = { role?: Role; siteId?: string; active?: boolean; q?: string };
export type NewUser = Pick<UserEntity, 'email' | 'displayName' | 'roles' | 'trialWide'> & {
  /** null: the account signs in through the hospital's identity provider only. */
  passwordHash: string | null;
};

const COLUMNS = `u.id, u.email, u.display_name AS "displayName", u.roles, u.trial_wide AS "trialWide",
  u.active, u.token_version AS "tokenVersion", u.created_at AS "createdAt", u.updated_at AS "updatedAt",
  u.deactivated_at AS "deactivatedAt", u.password_change_required AS "passwordChangeRequired",
  u.password_changed_at AS "passwordChangedAt",
  COALESCE((SELECT json_agg(json_build_object('siteId', us.site_id, 'startsOn', us.starts_on, 'endsOn', us.ends_on)
    ORDER BY us.site_id) FROM user_sites us WHERE us.user_id = u.id), '[]') AS memberships`;

type Row = Omit<UserEntity, 'siteIds'>;

/** Whether a membership counts on a calendar date (YYYY-MM-DD): start and end inclusive, null open. */
export function membershipCurrent(m: Membership, day: string): boolean {
  return (m.startsOn === null || m.startsOn <= day) && (m.endsOn === null || m.endsOn >= day);
}

@Injectable()
export class UsersRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /** The display name of each account with one of `ids` (uuids). */
  displayNames(
    ids: readonly string[],
    em?: EntityManager,
  ): Promise<{ id: string; name: string }[]> {
    return this.m(em).query(
      `SELECT id, display_name AS name FROM users WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** The site ids of today's memberships (the UTC calendar date of the clock). */
  private withScope<T extends Row>(rows: T[]): (T & { siteIds: string[] })[] {
    const today = this.clock.now().toISOString().slice(0, 10);
    return rows.map((r) => ({
      ...r,
      siteIds: r.memberships.filter((m) => membershipCurrent(m, today)).map((m) => m.siteId),
    }));
  }

  async findById(id: string, em?: EntityManager, lock = false): Promise<UserEntity | null> {
    const rows: Row[] = await this.m(em).query(
      `SELECT ${COLUMNS} FROM users u WHERE u.id = $1 ${lock ? 'FOR UPDATE OF u' : ''}`,
      [id],
    );
    return this.withScope(rows)[0] ?? null;
  }

  async findByEmailWithHash(
    email: string,
  ): Promise<(UserEntity & { passwordHash: string | null }) | null> {
    const rows: (Row & { passwordHash: string | null })[] = await this.m().query(
      `SELECT ${COLUMNS}, u.password_hash AS "passwordHash" FROM users u WHERE lower(u.email) = lower($1)`,
      [email],
    );
    return this.withScope(rows)[0] ?? null;
  }

  /** Active accounts holding any of the roles, locked until the transaction ends (last-admin checks). */
  async lockActiveHolders(role: Role, em: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `SELECT id FROM users WHERE active AND $1 = ANY(roles) ORDER BY id FOR UPDATE`,
      [role],
    );
    return rows.map((r) => r.id);
  }

  /** Every account holding more than one role (the candidates for a combination conflict). */
  async multiRole(): Promise<UserEntity[]> {
    const rows: Row[] = await this.m().query(
      `SELECT ${COLUMNS} FROM users u WHERE cardinality(u.roles) > 1 ORDER BY lower(u.email)`,
    );
    return this.withScope(rows);
  }

  async passwordHash(id: string): Promise<string | null> {
    const rows: { h: string }[] = await this.m().query(
      `SELECT password_hash AS h FROM users WHERE id = $1`,
      [id],
    );
    return rows[0]?.h ?? null;
  }

  async list(
    filter: UserFilter,
    page: number,
    pageSize: number,
  ): Promise<{ items: UserEntity[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.role) {
      where.push(`$${params.push(filter.role)} = ANY(u.roles)`);
    }
    if (filter.active !== undefined) {
      where.push(`u.active = $${params.push(filter.active)}`);
    }
    if (filter.siteId) {
      where.push(
        `EXISTS (SELECT 1 FROM user_sites s WHERE s.user_id = u.id AND s.site_id = $${params.push(filter.siteId)})`,
      );
    }
    if (filter.q) {
      where.push(
        `(u.email ILIKE $${params.push(`%${filter.q}%`)} OR u.display_name ILIKE $${params.length})`,
      );
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [items, count] = await Promise.all([
      this.m().query(
        `SELECT ${COLUMNS} FROM users u ${clause} ORDER BY lower(u.email) LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
        params,
      ) as Promise<Row[]>,
      this.m().query(`SELECT count(*)::int AS n FROM users u ${clause}`, params) as Promise<
        { n: number }[]
      >,
    ]);
    return { items: this.withScope(items), total: count[0].n };
  }

  /** Active users with a current membership of a site; null when the site does not exist within `scope` (null = all). */
  async staffOfSite(
    siteId: string,
    scope: readonly string[] | null,
    em?: EntityManager,
  ): Promise<UserEntity[] | null> {
    const [site]: unknown[] = await this.m(em).query(
      `SELECT 1 FROM site_directory WHERE id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))`,
      [siteId, scope],
    );
    if (!site) {
      return null;
    }
    const rows: Row[] = await this.m(em).query(
      `SELECT ${COLUMNS} FROM users u JOIN user_sites us ON us.user_id = u.id
       WHERE us.site_id = $1 AND u.active ORDER BY u.display_name`,
      [siteId],
    );
    return this.withScope(rows).filter((u) => u.siteIds.includes(siteId));
  }

  /**
   * The active accounts holding `role` that act for a site: every holder of a role trial-wide by
   * nature, else trial-wide accounts and those with a current membership of the site.
   */
  async actingFor(siteId: string, role: Role, em?: EntityManager): Promise<UserEntity[]> {
    const rows: Row[] = await this.m(em).query(
      `SELECT ${COLUMNS} FROM users u WHERE u.active AND $1 = ANY(u.roles) ORDER BY u.display_name`,
      [role],
    );
    const everywhere = TRIAL_WIDE_BY_NATURE.includes(role);
    return this.withScope(rows).filter(
      (u) => everywhere || u.trialWide || u.siteIds.includes(siteId),
    );
  }

  async insert(user: NewUser, em: EntityManager): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO users (email, display_name, password_hash, roles, trial_wide) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [user.email, user.displayName, user.passwordHash, user.roles, user.trialWide],
    );
    return rows[0].id;
  }

  async update(
    id: string,
    changes: Partial<
      Pick<UserEntity, 'displayName' | 'roles' | 'trialWide' | 'active' | 'deactivatedAt'>
    > & {
      passwordHash?: string;
      bumpTokenVersion?: boolean;
    },
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    const sets: string[] = ['updated_at = $2'];
    const params: unknown[] = [id, now];
    const col: Record<string, string> = {
      displayName: 'display_name',
      roles: 'roles',
      trialWide: 'trial_wide',
      active: 'active',
      deactivatedAt: 'deactivated_at',
      passwordHash: 'password_hash',
    };
    for (const [key, column] of Object.entries(col)) {
      const value = (changes as Record<string, unknown>)[key];
      if (value !== undefined) {
        sets.push(`${column} = $${params.push(value)}`);
      }
    }
    if (changes.bumpTokenVersion) {
      sets.push('token_version = token_version + 1');
    }
    await em.query(`UPDATE users SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  async setMemberships(
    userId: string,
    memberships: readonly Membership[],
    em: EntityManager,
  ): Promise<void> {
    await em.query(`DELETE FROM user_sites WHERE user_id = $1`, [userId]);
    if (memberships.length > 0) {
      await em.query(
        `INSERT INTO user_sites (user_id, site_id, starts_on, ends_on)
         SELECT $1, m.site_id, m.starts_on, m.ends_on
         FROM unnest($2::uuid[], $3::date[], $4::date[]) AS m(site_id, starts_on, ends_on)`,
        [
          userId,
          memberships.map((m) => m.siteId),
          memberships.map((m) => m.startsOn),
          memberships.map((m) => m.endsOn),
        ],
      );
    }
  }

  async count(em?: EntityManager): Promise<number> {
    const rows: { n: number }[] = await this.m(em).query(`SELECT count(*)::int AS n FROM users`);
    return rows[0].n;
  }
}
