import { Injectable } from '@nestjs/common';
import type { Actor } from 'src/common/context/request-context';
import { siteScope } from 'src/common/context/site-scope';
import type { ExclusionCountDto } from './dto/eligibility.dto';
import { CRITERIA_SETS } from './engine';
import {
  ConsortCounts,
  ScreeningLogFilter,
  ScreeningLogRepository,
  ScreeningLogRow,
} from './screening-log.repository';

/** Titles of every criterion id across the sets (the first set that names it wins). */
const TITLES = new Map<string, string>();
for (const set of CRITERIA_SETS) {
  for (const c of set.criteria) {
    if (!TITLES.has(c.id)) {
      TITLES.set(c.id, c.title);
    }
  }
}

export type ScreeningLog = {
  items: ScreeningLogRow[];
  total: number;
  page: number;
  pageSize: number;
  exclusionCounts: ExclusionCountDto[];
  consort: ConsortCounts;
};

@Injectable()
export class ScreeningLogService {
  constructor(private readonly log: ScreeningLogRepository) {}

  async screeningLog(
    filter: ScreeningLogFilter,
    actor: Actor,
    page: number,
    pageSize: number,
  ): Promise<ScreeningLog> {
    const scope = siteScope(actor);
    const [rows, counts, consort] = await Promise.all([
      this.log.rows(filter, scope, page, pageSize),
      this.log.exclusionCounts(filter, scope),
      this.log.consort(filter, scope),
    ]);
    return {
      ...rows,
      page,
      pageSize,
      exclusionCounts: counts.map((c) => ({ ...c, title: TITLES.get(c.code) ?? c.code })),
      consort,
    };
  }
}
