import { Injectable } from '@nestjs/common';
import { DateTime, IANAZone } from 'luxon';
import { Clock } from 'src/common/clock/clock';
import { DomainEvents } from 'src/kernel/events/domain-events';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { TrialsService } from 'src/modules/trials/trials.service';
import type { CreateSiteDto, ListSitesQueryDto, UpdateSiteDto } from './dto/site.dto';
import type { SiteEntity } from './site.entity';
import { SiteErrors } from './sites.errors';
import { SiteCapacityChanging } from './sites.events';
import { CapacityRow, SitesRepository } from './sites.repository';

/** Quarter labels from `from` to `to` inclusive ('2027-Q1' … '2027-Q4'). */
export function quarterRange(from: string, to: string): string[] {
  const index = (q: string) => Number(q.slice(0, 4)) * 4 + Number(q.slice(6)) - 1;
  const out: string[] = [];
  for (let i = index(from); i <= index(to); i++) {
    out.push(`${Math.floor(i / 4)}-Q${(i % 4) + 1}`);
  }
  return out;
}

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

  async capacity(centreId: string, from?: string, to?: string): Promise<CapacityRow[]> {
    const centre = await this.get(centreId);
    if (!centre.roles.includes('transplant_centre')) {
      throw SiteErrors.notTransplantCentre();
    }
    const now = DateTime.fromJSDate(this.clock.now(), { zone: centre.timeZone });
    const first = from ?? `${now.year}-Q${now.quarter}`;
    const last =
      to ??
      quarterRange(first, `${Number(first.slice(0, 4)) + 2}-Q4`)
        .slice(0, 8)
        .pop()!;
    const quarters = quarterRange(first, last);
    if (quarters.length === 0 || quarters.length > 40) {
      throw SiteErrors.badQuarterRange();
    }
    return this.sites.capacities(centreId, quarters);
  }

  /**
   * Sets one quarter's capacity. The scheduling module adds its own check (no quarter below its
   * bookings) through the `SiteCapacityChanging` event, under the same lock.
   */
  async setCapacity(
    centreId: string,
    quarter: string,
    capacity: number,
    reason?: string,
  ): Promise<CapacityRow> {
    await this.tx.run(async (uow) => {
      const centre = await this.sites.findById(centreId, uow.em, true);
      if (!centre) {
        throw SiteErrors.notFound();
      }
      if (!centre.roles.includes('transplant_centre')) {
        throw SiteErrors.notTransplantCentre();
      }
      const [before] = await this.sites.capacities(centreId, [quarter], uow.em);
      await this.events.publish(uow, SiteCapacityChanging, { centreId, quarter, capacity });
      await this.sites.setCapacity(centreId, quarter, capacity, this.clock.now(), uow.em);
      uow.audit({
        action: 'site.capacity_set',
        entity: 'site',
        entityId: centreId,
        before: { quarter, capacity: before.capacity },
        after: { quarter, capacity },
        reason,
      });
    });
    const [row] = await this.sites.capacities(centreId, [quarter]);
    return row;
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
