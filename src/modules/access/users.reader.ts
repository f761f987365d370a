import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A user as other modules may read it for reference data: id, display name, roles (no e-mail). */
export type UserForExport = { id: string; name: string; role: string };

/** What other modules may read of the user accounts. */
@Injectable()
export class UsersReader {
  /**
   * For exports (ODM AdminData), through the export's snapshot transaction: every account, by id,
   * with its display name and roles (comma-separated, least privileged first as stored).
   */
  directory(em: EntityManager): Promise<UserForExport[]> {
    return em.query(
      `SELECT id, display_name AS name, array_to_string(roles, ',') AS role FROM users ORDER BY id`,
    );
  }
}
