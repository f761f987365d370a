import { Inject, Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { Page } from 'src/common/validation/page';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { TransactionRunner, type UnitOfWork } from 'src/kernel/unit-of-work';
import { hashPassword, passwordProblem } from 'src/modules/access/password';
import { SitesService } from 'src/modules/sites/sites.service';
import { WelcomeJob } from 'src/modules/notifications/notifications.jobs';
import type {
  CreateUserDto,
  ListUsersQueryDto,
  MembershipDto,
  UpdateUserDto,
} from './dto/user.dto';
import { SiteErrors } from 'src/modules/sites/sites.errors';
import { type Role, roleConflicts } from 'src/common/context/roles';
import { UserErrors } from './users.errors';
import type { Membership, UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

const audited = (u: UserEntity) => ({
  roles: u.roles,
  trialWide: u.trialWide,
  memberships: u.memberships,
  active: u.active,
  displayName: u.displayName,
});

/** Memberships from a request: explicit ones with dates, or open ones from siteIds (one per site). */
function membershipsOf(dto: {
  siteIds?: string[];
  memberships?: MembershipDto[];
}): Membership[] | undefined {
  if (dto.siteIds !== undefined && dto.memberships !== undefined) {
    throw UserErrors.badMembership('Give siteIds or memberships, not both');
  }
  if (dto.siteIds !== undefined) {
    return [...new Set(dto.siteIds)].map((siteId) => ({ siteId, startsOn: null, endsOn: null }));
  }
  if (dto.memberships === undefined) {
    return undefined;
  }
  const seen = new Set<string>();
  return dto.memberships.map((m) => {
    if (seen.has(m.siteId)) {
      throw UserErrors.badMembership(`Site ${m.siteId} is listed twice`);
    }
    seen.add(m.siteId);
    const startsOn = m.startsOn ?? null;
    const endsOn = m.endsOn ?? null;
    for (const d of [startsOn, endsOn]) {
      if (d !== null && (d < '2000-01-01' || d > '2099-12-31')) {
        throw UserErrors.badMembership(`Membership date ${d} is outside 2000–2099`);
      }
    }
    if (startsOn && endsOn && endsOn < startsOn) {
      throw UserErrors.badMembership('A membership cannot end before it starts');
    }
    return { siteId: m.siteId, startsOn, endsOn };
  });
}

function assertCombination(roles: readonly Role[]): void {
  const conflicts = roleConflicts(roles);
  if (conflicts.length > 0) {
    throw UserErrors.roleConflict(conflicts);
  }
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sites: SitesService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** For sign-in: the account with its password hash (null: single sign-on only), or null. */
  findForLogin(email: string): Promise<(UserEntity & { passwordHash: string | null }) | null> {
    return this.users.findByEmailWithHash(email);
  }

  find(id: string): Promise<UserEntity | null> {
    return this.users.findById(id);
  }

  /** Makes every access token of the user invalid at once (sign-out everywhere), in `uow`. */
  async bumpTokenVersion(id: string, uow: UnitOfWork): Promise<void> {
    await this.users.update(id, { bumpTokenVersion: true }, this.clock.now(), uow.em);
  }

  async get(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) {
      throw UserErrors.notFound();
    }
    return user;
  }

  /** Active staff of a site, or SITE_NOT_FOUND when the site is outside the caller's scope. */
  async staffOfSite(siteId: string, scope: readonly string[] | null): Promise<UserEntity[]> {
    const staff = await this.users.staffOfSite(siteId, scope);
    if (!staff) {
      throw SiteErrors.notFound();
    }
    return staff;
  }

  async list(query: ListUsersQueryDto, page: number, pageSize: number): Promise<Page<UserEntity>> {
    const { items, total } = await this.users.list(query, page, pageSize);
    return { items, total, page, pageSize };
  }

  async create(dto: CreateUserDto): Promise<UserEntity> {
    if (dto.password === undefined && this.config.OIDC_ISSUER_URL === '') {
      throw UserErrors.passwordRequired();
    }
    const problem = dto.password === undefined ? null : passwordProblem(dto.password, dto.email);
    if (problem) {
      throw UserErrors.weakPassword(problem);
    }
    assertCombination(dto.roles);
    const trialWide = dto.trialWide ?? false;
    const memberships = membershipsOf(dto) ?? [];
    if (!trialWide && memberships.length === 0 && !dto.roles.every((r) => r === 'admin')) {
      throw UserErrors.noScope();
    }
    const passwordHash =
      dto.password === undefined
        ? null
        : await hashPassword(dto.password, this.config.BCRYPT_ROUNDS);
    const id = await this.tx.run(async (uow) => {
      await this.assertSitesExist(memberships.map((m) => m.siteId));
      if (await this.users.findByEmailWithHash(dto.email)) {
        throw UserErrors.emailTaken();
      }
      const id = await this.users
        .insert(
          {
            email: dto.email.toLowerCase(),
            displayName: dto.displayName,
            passwordHash,
            roles: [...new Set(dto.roles)],
            trialWide,
          },
          uow.em,
        )
        .catch((e: { code?: string }) => {
          throw e.code === '23505' ? UserErrors.emailTaken() : e;
        });
      await this.users.setMemberships(id, memberships, uow.em);
      const created = await this.users.findById(id, uow.em);
      uow.audit({
        action: 'user.created',
        entity: 'user',
        entityId: id,
        after: created ? audited(created) : null,
      });
      uow.enqueue(WelcomeJob, { userId: id });
      return id;
    });
    return this.get(id);
  }

  async update(id: string, dto: UpdateUserDto, actor: Actor): Promise<UserEntity> {
    const memberships = membershipsOf(dto);
    const scopeChanged =
      dto.roles !== undefined || memberships !== undefined || dto.trialWide !== undefined;
    // No admin grants itself anything: a change of one's own roles or scope needs another admin.
    if (scopeChanged && id === actor.id) {
      throw UserErrors.selfRoleChange();
    }
    if (dto.roles) {
      assertCombination(dto.roles);
    }
    await this.tx.run(async (uow) => {
      // Admins first (in id order, as every writer here), so two admins removing each other cannot both pass.
      const admins =
        dto.roles && !dto.roles.includes('admin')
          ? await this.users.lockActiveHolders('admin', uow.em)
          : [];
      const before = await this.users.findById(id, uow.em, true);
      if (!before) {
        throw UserErrors.notFound();
      }
      if (admins.includes(id) && admins.length <= 1) {
        throw UserErrors.lastAdmin();
      }
      if (memberships) {
        await this.assertSitesExist(memberships.map((m) => m.siteId));
      }
      await this.users.update(
        id,
        {
          displayName: dto.displayName,
          roles: dto.roles ? [...new Set(dto.roles)] : undefined,
          trialWide: dto.trialWide,
          // Tokens carry the acting role; bumping makes a role or scope change take effect everywhere at once.
          bumpTokenVersion: scopeChanged,
        },
        this.clock.now(),
        uow.em,
      );
      if (memberships) {
        await this.users.setMemberships(id, memberships, uow.em);
      }
      const after = await this.users.findById(id, uow.em);
      uow.audit({
        action: 'user.updated',
        entity: 'user',
        entityId: id,
        before: audited(before),
        after: after ? audited(after) : null,
        reason: dto.reason,
      });
    });
    return this.get(id);
  }

  async setActive(id: string, active: boolean, actor: Actor, reason?: string): Promise<UserEntity> {
    if (!active && id === actor.id) {
      throw UserErrors.selfDeactivation();
    }
    await this.tx.run(async (uow) => {
      const admins = active ? [] : await this.users.lockActiveHolders('admin', uow.em);
      const before = await this.users.findById(id, uow.em, true);
      if (!before) {
        throw UserErrors.notFound();
      }
      if (admins.includes(id) && admins.length <= 1) {
        throw UserErrors.lastAdmin();
      }
      const now = this.clock.now();
      await this.users.update(
        id,
        { active, deactivatedAt: active ? null : now, bumpTokenVersion: !active },
        now,
        uow.em,
      );
      uow.audit({
        action: active ? 'user.reactivated' : 'user.deactivated',
        entity: 'user',
        entityId: id,
        before: { active: before.active },
        after: { active },
        reason,
      });
    });
    return this.get(id);
  }

  /** Accounts whose roles break the combination rules (made before the rules, or by hand in the database). */
  async conflicted(): Promise<UserEntity[]> {
    return (await this.users.multiRole()).filter((u) => roleConflicts(u.roles).length > 0);
  }

  private async assertSitesExist(siteIds: readonly string[]): Promise<void> {
    const missing = await this.sites.missingIds(siteIds);
    if (missing.length > 0) {
      throw UserErrors.unknownSites(missing);
    }
  }
}
