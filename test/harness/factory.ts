import { JwtService } from '@nestjs/jwt';
import * as bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { actingRoles, type Role } from 'src/common/context/roles';

export const TEST_PASSWORD = 'correct horse battery staple';
const TEST_PASSWORD_HASH = bcrypt.hashSync(TEST_PASSWORD, 4);

/** A signed-in test user; `token` acts in `acting` (by default the least privileged role it may act in). */
export type TestUser = {
  id: string;
  email: string;
  roles: Role[];
  acting: Role;
  siteIds: string[];
  trialWide: boolean;
  token: string;
};

/** Builds valid records through the real database. Every test makes its own; nothing is shared. */
export class Factory {
  private siteIds = new Map<string, string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
  ) {}

  /** The id of a seeded site by label, e.g. 'NL-AMS'. */
  async site(label: string): Promise<string> {
    const cached = this.siteIds.get(label);
    if (cached) {
      return cached;
    }
    const [country, code] = label.split('-');
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM sites WHERE country_code = $1 AND code = $2`,
      [country, code],
    );
    if (!rows[0]) {
      throw new Error(`no seeded site ${label}`);
    }
    this.siteIds.set(label, rows[0].id);
    return rows[0].id;
  }

  /**
   * A user with the given role(s) at the given sites (labels), signed in (token ready) acting in
   * `opts.acting` or else the least privileged role it may act in. Inserted directly, so a
   * combination the API refuses (a legacy account) can be made too.
   */
  async user(
    roles: Role | Role[],
    opts: {
      sites?: string[];
      trialWide?: boolean;
      email?: string;
      active?: boolean;
      acting?: Role;
      /** No password here: the account signs in through the hospital's provider only. */
      ssoOnly?: boolean;
    } = {},
  ): Promise<TestUser> {
    const list = Array.isArray(roles) ? roles : [roles];
    const email = opts.email ?? `${list[0]}-${randomBytes(4).toString('hex')}@test.local`;
    const siteIds = await Promise.all((opts.sites ?? []).map((s) => this.site(s)));
    const trialWide = opts.trialWide ?? false;
    const [row]: { id: string; token_version: number }[] = await this.dataSource.query(
      `INSERT INTO users (email, display_name, password_hash, roles, trial_wide, active)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, token_version`,
      [
        email,
        `Test ${list.join('/')}`,
        opts.ssoOnly ? null : TEST_PASSWORD_HASH,
        list,
        trialWide,
        opts.active ?? true,
      ],
    );
    if (siteIds.length) {
      await this.dataSource.query(
        `INSERT INTO user_sites (user_id, site_id) SELECT $1, unnest($2::uuid[])`,
        [row.id, siteIds],
      );
    }
    const acting = opts.acting ?? actingRoles(list)[0];
    const token = await this.jwt.signAsync({ sub: row.id, tv: row.token_version, role: acting });
    return { id: row.id, email, roles: list, acting, siteIds, trialWide, token };
  }

  /** The same user signed in acting in another role (the API refuses it if the account may not). */
  async actingAs(user: TestUser, role: Role): Promise<TestUser> {
    const [row]: { token_version: number }[] = await this.dataSource.query(
      `SELECT token_version FROM users WHERE id = $1`,
      [user.id],
    );
    return {
      ...user,
      acting: role,
      token: await this.jwt.signAsync({ sub: user.id, tv: row.token_version, role }),
    };
  }

  async auditRows(
    where: { action?: string; entityId?: string } = {},
  ): Promise<{ action: string; entity_id: string | null }[]> {
    const params: unknown[] = [];
    const clauses: string[] = [];
    if (where.action) {
      clauses.push(`action = $${params.push(where.action)}`);
    }
    if (where.entityId) {
      clauses.push(`entity_id = $${params.push(where.entityId)}`);
    }
    return this.dataSource.query(
      `SELECT * FROM audit_log ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY seq`,
      params,
    );
  }

  /**
   * A participant at a site (label like 'NL-AMS', or a site id), inserted directly with the site's
   * next study id (e.g. NL-AMS-0001). For tests of modules that need participants to exist.
   */
  async participant(
    site: string,
    opts: { status?: string } = {},
  ): Promise<{ id: string; studyId: string; siteId: string }> {
    const siteId = /^[0-9a-f-]{36}$/i.test(site) ? site : await this.site(site);
    const rows: { id: string; studyId: string; siteId: string }[] = await this.dataSource.query(
      `WITH n AS (
         INSERT INTO study_id_counters (site_id, last_number) VALUES ($1, 1)
         ON CONFLICT (site_id) DO UPDATE SET last_number = study_id_counters.last_number + 1
         RETURNING last_number)
       INSERT INTO participants (trial_id, site_id, study_id, status)
       SELECT s.trial_id, s.id, s.country_code || '-' || s.code || '-' || lpad(n.last_number::text, 4, '0'), $2
       FROM sites s CROSS JOIN n WHERE s.id = $1
       RETURNING id, study_id AS "studyId", site_id AS "siteId"`,
      [siteId, opts.status ?? 'registered'],
    );
    if (!rows[0]) {
      throw new Error(`no site ${site}`);
    }
    return rows[0];
  }

  /**
   * An allocation row for a participant (the randomisation module's table), inserted directly, and
   * the participant moved to 'randomised'. Sequence numbers continue per stratum (default: country).
   */
  async allocation(
    participantId: string,
    arm: string,
    randomisedAt: string | Date,
    opts: { environment?: 'production' | 'test'; stratumKey?: string } = {},
  ): Promise<{ id: string }> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('test-factory.allocation'))`);
      const rows: { id: string }[] = await em.query(
        `WITH p AS (
           UPDATE participants SET status = 'randomised', status_changed_at = $3, updated_at = $3 WHERE id = $1
           RETURNING id, trial_id, site_id),
         s AS (SELECT p.*, COALESCE($5::text, si.country_code) AS stratum FROM p JOIN sites si ON si.id = p.site_id)
         INSERT INTO allocations (participant_id, trial_id, site_id, environment, stratum_key, sequence_number,
           block_index, position_in_block, block_size, arm, randomised_at, criteria_set_id)
         SELECT s.id, s.trial_id, s.site_id, $4, s.stratum,
           COALESCE((SELECT max(a.sequence_number) FROM allocations a
                     WHERE a.trial_id = s.trial_id AND a.environment = $4 AND a.stratum_key = s.stratum), 0) + 1,
           0, 1, 2, $2, $3, 'ram-ms-v2'
         FROM s RETURNING id`,
        [
          participantId,
          arm,
          new Date(randomisedAt),
          opts.environment ?? 'production',
          opts.stratumKey ?? null,
        ],
      );
      if (!rows[0]) {
        throw new Error(`no participant ${participantId}`);
      }
      return rows[0];
    });
  }
}

export const bearer = (user: { token: string }) => ({ Authorization: `Bearer ${user.token}` });
