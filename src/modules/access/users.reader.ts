import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isUuid } from 'src/common/validation/canonical-uuid.pipe';
import { UsersRepository } from './users.repository';

/** A user as other modules may read it for reference data: id, display name, roles (no e-mail). */
export type UserForExport = { id: string; name: string; role: string };

/** What other modules may read of the user accounts. */
@Injectable()
export class UsersReader {
  constructor(private readonly users: UsersRepository) {}

  /**
   * For exports (ODM AdminData), through the export's snapshot transaction: every account, by id,
   * with its display name and roles (comma-separated, least privileged first as stored).
   */
  directory(em: EntityManager): Promise<UserForExport[]> {
    return em.query(
      `SELECT id, display_name AS name, array_to_string(roles, ',') AS role FROM users ORDER BY id`,
    );
  }

  /** For the audit trail: the display name of each account with one of `ids`, by id. */
  async displayNames(ids: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.users.displayNames(ids.filter(isUuid));
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
