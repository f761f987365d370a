import { JwtService } from '@nestjs/jwt';
import * as bcrypt from 'bcryptjs';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Role } from '../../src/modules/auth/roles';

export const TEST_PASSWORD = 'correct horse battery staple';
const TEST_PASSWORD_HASH = bcrypt.hashSync(TEST_PASSWORD, 4);

export type TestUser = { id: string; email: string; roles: Role[]; siteIds: string[]; trialWide: boolean; token: string };

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
    if (cached) return cached;
    const [country, code] = label.split('-');
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM sites WHERE country_code = $1 AND code = $2`,
      [country, code],
    );
    if (!rows[0]) throw new Error(`no seeded site ${label}`);
    this.siteIds.set(label, rows[0].id);
    return rows[0].id;
  }

  /** A user with the given role at the given sites (labels), signed in (token ready). */
  async user(
    roles: Role | Role[],
    opts: { sites?: string[]; trialWide?: boolean; email?: string; active?: boolean } = {},
  ): Promise<TestUser> {
    const list = Array.isArray(roles) ? roles : [roles];
    const email = opts.email ?? `${list[0]}-${randomBytes(4).toString('hex')}@test.local`;
    const siteIds = await Promise.all((opts.sites ?? []).map((s) => this.site(s)));
    const trialWide = opts.trialWide ?? false;
    const [row]: { id: string; token_version: number }[] = await this.dataSource.query(
      `INSERT INTO users (email, display_name, password_hash, roles, trial_wide, active)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, token_version`,
      [email, `Test ${list.join('/')}`, TEST_PASSWORD_HASH, list, trialWide, opts.active ?? true],
    );
    if (siteIds.length) {
      await this.dataSource.query(`INSERT INTO user_sites (user_id, site_id) SELECT $1, unnest($2::uuid[])`, [row.id, siteIds]);
    }
    const token = await this.jwt.signAsync({ sub: row.id, tv: row.token_version });
    return { id: row.id, email, roles: list, siteIds, trialWide, token };
  }

  async auditRows(where: { action?: string; entityId?: string } = {}): Promise<{ action: string; entity_id: string | null }[]> {
    const params: unknown[] = [];
    const clauses: string[] = [];
    if (where.action) clauses.push(`action = $${params.push(where.action)}`);
    if (where.entityId) clauses.push(`entity_id = $${params.push(where.entityId)}`);
    return this.dataSource.query(
      `SELECT * FROM audit_log ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY seq`,
      params,
    );
  }
}

export const bearer = (user: { token: string }) => ({ Authorization: `Bearer ${user.token}` });
