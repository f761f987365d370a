import { Injectable } from '@nestjs/common';
import type { Country } from './site.entity';
import { SitesService } from './sites.service';

/** A site as other modules may read it (reference data: no staff, no capacities). */
export type SiteSummary = {
  id: string;
  code: string;
  name: string;
  countryCode: Country;
  active: boolean;
};

/** What other modules may read of the sites: the trial's sites as reference data. */
@Injectable()
export class SitesReader {
  constructor(private readonly sites: SitesService) {}

  /** Every site of the trial (active or not), ordered by country and code. */
  async all(): Promise<SiteSummary[]> {
    const rows = await this.sites.list({});
    return rows.map(({ id, code, name, countryCode, active }) => ({
      id,
      code,
      name,
      countryCode,
      active,
    }));
  }
}
