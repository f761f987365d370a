import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Role } from 'src/common/context/roles';
import { UsersRepository } from './users.repository';

/** Public API of the access module for telling a site's staff of work waiting for them. */
@Injectable()
export class StaffApi {
  constructor(private readonly users: UsersRepository) {}

  /**
   * The active accounts of a site holding one of `roles` (never a blinded assessor, whatever else
   * the account holds: a notice may name work that an assessor must not see), by id.
   */
  async withRoleAt(siteId: string, roles: readonly Role[], em?: EntityManager): Promise<string[]> {
    const staff = (await this.users.staffOfSite(siteId, null, em)) ?? [];
    return staff
      .filter((u) => !u.roles.includes('blinded_assessor'))
      .filter((u) => u.roles.some((r) => roles.includes(r)))
      .map((u) => u.id);
  }

  /** The active blinded assessors of a site, by id (work on their own items only: their assessments). */
  async assessorsAt(siteId: string, em?: EntityManager): Promise<string[]> {
    const staff = (await this.users.staffOfSite(siteId, null, em)) ?? [];
    return staff.filter((u) => u.roles.includes('blinded_assessor')).map((u) => u.id);
  }

  /** The active monitors who act for a site (trial-wide or by membership), by id. */
  async monitorsOf(siteId: string, em?: EntityManager): Promise<string[]> {
    return (await this.users.actingFor(siteId, 'monitor', em)).map((u) => u.id);
  }
}
