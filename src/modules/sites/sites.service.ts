import { Injectable } from '@nestjs/common';
import { IANAZone } from 'luxon';
import { Clock } from 'src/common/clock/clock';
import { DomainEvents } from 'src/kernel/events/domain-events';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { TrialsService } from 'src/modules/trials/trials.service';
import type { CreateSiteDto, ListSitesQueryDto, UpdateSiteDto } from './dto/site.dto';
import type { SiteEntity } from './site.entity';
import { SiteErrors } from './sites.errors';
import { SiteCapacityChanging } from './sites.events';
import { SitesRepository } from './sites.repository';

@Injectable()
export class SitesService {
  constructor(
    private readonly sites: SitesRepository,
    private readonly trials: TrialsService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  list(query: ListSitesQueryDto): Promise<SiteEntity[]> {
    return this.sites.list(query);
  }

  async get(id: string): Promise<SiteEntity> {
    const site = await this.sites.findById(id);
    if (!site) {
      throw SiteErrors.notFound();
    }
    return site;
  }

  missingIds(ids: readonly string[]): Promise<string[]> {
    return this.sites.missingIds(ids);
  }

  async create(dto: CreateSiteDto): Promise<SiteEntity> {
    this.assertTimeZone(dto.timeZone);
    const trial = await this.trials.current();
    const id = await this.tx.run(async (uow) => {
      if (dto.transplantCentreId) {
        await this.assertCentre(dto.transplantCentreId);
      }
      const id = await this.sites
        .insert(
          {
            trialId: trial.id,
            code: dto.code,
            name: dto.name,
            countryCode: dto.countryCode,
            timeZone: dto.timeZone,
            roles: [...new Set(dto.roles)],
            transplantCentreId: dto.transplantCentreId ?? null,
            defaultQuarterlyCapacity:
              dto.defaultQuarterlyCapacity ??
              (dto.roles.includes('transplant_centre')
                ? trial.settings.scheduling.defaultQuarterlyCapacity
                : 0),
          },
          uow.em,
        )
        .catch((e: { code?: string }) => {
          throw e.code === '23505' ? SiteErrors.codeTaken() : e;
        });
      const site = await this.sites.findById(id, uow.em);
      uow.audit({ action: 'site.created', entity: 'site', entityId: id, after: site });
      return id;
    });
    return this.get(id);
  }

  async update(id: string, dto: UpdateSiteDto): Promise<SiteEntity> {
    if (dto.timeZone) {
      this.assertTimeZone(dto.timeZone);
    }
    await this.tx
      .run(async (uow) => {
        const before = await this.sites.findById(id, uow.em, true);
        if (!before) {
          throw SiteErrors.notFound();
        }
        if (dto.transplantCentreId) {
          await this.assertCentre(dto.transplantCentreId);
        }
        const { reason, ...changes } = dto;
        if (
          changes.defaultQuarterlyCapacity !== undefined &&
          changes.defaultQuarterlyCapacity !== before.defaultQuarterlyCapacity
        ) {
          await this.events.publish(uow, SiteCapacityChanging, {
            centreId: id,
            defaultQuarterlyCapacity: changes.defaultQuarterlyCapacity,
          });
        }
        await this.sites.update(id, changes, this.clock.now(), uow.em);
        const after = await this.sites.findById(id, uow.em);
        uow.audit({ action: 'site.updated', entity: 'site', entityId: id, before, after, reason });
      })
      .catch((e: { driverError?: { constraint?: string; message?: string } }) => {
        // The database refuses a default capacity below a quarter's bookings (scheduling trigger).
        if (e.driverError?.constraint === 'transplant_capacity') {
          throw SiteErrors.belowBookings(e.driverError.message ?? '');
        }
        throw e;
      });
    return this.get(id);
  }

  private assertTimeZone(tz: string): void {
    if (!IANAZone.isValidZone(tz)) {
      throw SiteErrors.badTimeZone(tz);
    }
  }

  private async assertCentre(id: string): Promise<void> {
    const centre = await this.sites.findById(id);
    if (!centre?.roles.includes('transplant_centre')) {
      throw SiteErrors.notTransplantCentre();
    }
  }
}
