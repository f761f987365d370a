import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { roleConflicts } from 'src/common/context/roles';
import { UsersService } from './users.service';

/**
 * At start-up, lists the accounts whose roles break the combination rules (made before the rules
 * existed, or by hand in the database): by user id and roles only, no names or e-mails. Until an
 * admin resolves them (Users page, GET /users/role-conflicts) they act only in their least
 * privileged role, which the AuthService enforces on every request.
 */
@Injectable()
export class RoleConflictsCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('RoleConflicts');

  constructor(private readonly users: UsersService) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      for (const u of await this.users.conflicted()) {
        this.logger.warn(
          `account ${u.id} holds roles that cannot be combined (${roleConflicts(u.roles)
            .map((c) => c.code)
            .join(', ')}); ` +
            'it acts only in its least privileged role until an admin resolves it',
        );
      }
    } catch (error) {
      // The database may be unreachable at start; the per-request rule holds regardless.
      this.logger.error(`could not check role combinations: ${(error as Error).message}`);
    }
  }
}
