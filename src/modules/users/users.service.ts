import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import type { Actor } from '../../common/context/request-context';
import { QueueName } from '../../common/queue/queues';
import { Page } from '../../common/validation/page';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { TransactionRunner } from '../../database/transaction';
import { hashPassword, passwordProblem } from '../auth/password';
import { SitesService } from '../sites/sites.service';
import { NotificationJob } from '../notifications/notifications.jobs';
import type { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/user.dto';
import { SiteErrors } from '../sites/sites.errors';
import { UserErrors } from './users.errors';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

const audited = (u: UserEntity) => ({
  roles: u.roles,
  trialWide: u.trialWide,
  siteIds: u.siteIds,
  active: u.active,
  displayName: u.displayName,
});

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sites: SitesService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** For sign-in: the account with its password hash, or null. */
  findForLogin(email: string): Promise<(UserEntity & { passwordHash: string }) | null> {
    return this.users.findByEmailWithHash(email);
  }

  find(id: string): Promise<UserEntity | null> {
    return this.users.findById(id);
  }

  async get(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw UserErrors.notFound();
    return user;
  }

  /** Active staff of a site, or SITE_NOT_FOUND when the site is outside the caller's scope. */
  async staffOfSite(siteId: string, scope: readonly string[] | null): Promise<UserEntity[]> {
    const staff = await this.users.staffOfSite(siteId, scope);
    if (!staff) throw SiteErrors.notFound();
    return staff;
  }

  async list(query: ListUsersQueryDto, page: number, pageSize: number): Promise<Page<UserEntity>> {
    const { items, total } = await this.users.list(query, page, pageSize);
    return { items, total, page, pageSize };
  }

  async create(dto: CreateUserDto): Promise<UserEntity> {
    const problem = passwordProblem(dto.password, dto.email);
    if (problem) throw UserErrors.weakPassword(problem);
    const trialWide = dto.trialWide ?? false;
    if (!trialWide && dto.siteIds.length === 0 && !dto.roles.every((r) => r === 'admin')) throw UserErrors.noScope();
    const siteIds = [...new Set(dto.siteIds)];
    const passwordHash = await hashPassword(dto.password, this.config.BCRYPT_ROUNDS);
    const id = await this.tx.run(async (uow) => {
      await this.assertSitesExist(siteIds);
      if (await this.users.findByEmailWithHash(dto.email)) throw UserErrors.emailTaken();
      const id = await this.users
        .insert({ email: dto.email.toLowerCase(), displayName: dto.displayName, passwordHash, roles: [...new Set(dto.roles)], trialWide }, uow.em)
        .catch((e: { code?: string }) => {
          throw e.code === '23505' ? UserErrors.emailTaken() : e;
        });
      await this.users.setSites(id, siteIds, uow.em);
      const created = await this.users.findById(id, uow.em);
      uow.audit({ action: 'user.created', entity: 'user', entityId: id, after: created ? audited(created) : null });
      uow.enqueue({
        queue: QueueName.Notifications,
        name: NotificationJob.Welcome,
        payload: { userId: id },
        dedupeKey: `${NotificationJob.Welcome}:${id}`,
      });
      return id;
    });
    return this.get(id);
  }

  async update(id: string, dto: UpdateUserDto, actor: Actor): Promise<UserEntity> {
    await this.tx.run(async (uow) => {
      const before = await this.users.findById(id, uow.em, true);
      if (!before) throw UserErrors.notFound();
      if (dto.siteIds) await this.assertSitesExist(dto.siteIds);
      const scopeChanged = dto.roles !== undefined || dto.siteIds !== undefined || dto.trialWide !== undefined;
      await this.users.update(
        id,
        {
          displayName: dto.displayName,
          roles: dto.roles ? [...new Set(dto.roles)] : undefined,
          trialWide: dto.trialWide,
          // Tokens carry no roles, but bumping makes a role change take effect everywhere at once.
          bumpTokenVersion: scopeChanged && id !== actor.id,
        },
        this.clock.now(),
        uow.em,
      );
      if (dto.siteIds) await this.users.setSites(id, [...new Set(dto.siteIds)], uow.em);
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
    if (!active && id === actor.id) throw UserErrors.selfDeactivation();
    await this.tx.run(async (uow) => {
      const before = await this.users.findById(id, uow.em, true);
      if (!before) throw UserErrors.notFound();
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

  private async assertSitesExist(siteIds: readonly string[]): Promise<void> {
    const missing = await this.sites.missingIds(siteIds);
    if (missing.length > 0) throw UserErrors.unknownSites(missing);
  }
}
