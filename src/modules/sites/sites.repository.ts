import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { SiteEntity } from './site.entity';

const COLUMNS = `s.id, s.trial_id AS "trialId", s.code, s.name, s.country_code AS "countryCode",
  s.time_zone AS "timeZone", s.roles, s.transplant_centre_id AS "transplantCentreId",
  s.default_quarterly_capacity AS "defaultQuarterlyCapacity", s.active,
  s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;

export type NewSite = Omit<SiteEntity, 'id' | 'createdAt' | 'updatedAt' | 'active'>;
export type SiteChanges = Partial<Omit<SiteEntity, 'id' | 'trialId' | 'createdAt' | 'updatedAt'>>;

const COLUMN_OF: Record<keyof SiteChanges, string> = {
  code: 'code',
  name: 'name',
  countryCode: 'country_code',
  timeZone: 'time_zone',
  roles: 'roles',
  transplantCentreId: 'transplant_centre_id',
  defaultQuarterlyCapacity: 'default_quarterly_capacity',
  active: 'active',
};

@Injectable()
export class SitesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  async list(filter: {
    countryCode?: string;
    role?: string;
    active?: boolean;
  }): Promise<SiteEntity[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.countryCode) {
      where.push(`s.country_code = $${params.push(filter.countryCode)}`);
    }
    if (filter.role) {
      where.push(`$${params.push(filter.role)} = ANY(s.roles)`);
    }
    if (filter.active !== undefined) {
      where.push(`s.active = $${params.push(filter.active)}`);
    }
    return this.m().query(
      `SELECT ${COLUMNS} FROM sites s ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.country_code, s.code`,
      params,
    );
  }

  async findById(id: string, em?: EntityManager, lock = false): Promise<SiteEntity | null> {
    const rows: SiteEntity[] = await this.m(em).query(
      `SELECT ${COLUMNS} FROM sites s WHERE s.id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  async missingIds(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) {
      return [];
    }
    const rows: { id: string }[] = await this.m().query(
      `SELECT x.id FROM unnest($1::uuid[]) AS x(id) WHERE NOT EXISTS (SELECT 1 FROM sites s WHERE s.id = x.id)`,
      [ids],
    );
    return rows.map((r) => r.id);
  }

  async insert(site: NewSite, em: EntityManager): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO sites (trial_id, code, name, country_code, time_zone, roles, transplant_centre_id, default_quarterly_capacity)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        site.trialId,
        site.code,
        site.name,
        site.countryCode,
        site.timeZone,
        site.roles,
        site.transplantCentreId,
        site.defaultQuarterlyCapacity,
      ],
    );
    return rows[0].id;
  }

  async update(id: string, changes: SiteChanges, now: Date, em: EntityManager): Promise<void> {
    const sets = ['updated_at = $2'];
    const params: unknown[] = [id, now];
    for (const [key, column] of Object.entries(COLUMN_OF)) {
      const value = changes[key as keyof SiteChanges];
      if (value !== undefined) {
        sets.push(`${column} = $${params.push(value)}`);
      }
    }
    await em.query(`UPDATE sites SET ${sets.join(', ')} WHERE id = $1`, params);
  }
}
