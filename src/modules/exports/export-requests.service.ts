import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { DomainError, fieldError } from 'src/common/errors/domain-error';
import { type Page, type PageQueryDto, pageOf } from 'src/common/validation/page';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { DataCutsApi } from 'src/modules/data-locks/data-cuts.api';
import { SitesReader } from 'src/modules/sites/sites.reader';
import { EXPORT_FORMATS } from './export-formats';
import { RunExportJob } from './exports.jobs';
import { type ExportFormatId, type ExportRecord, ExportsRepository } from './exports.repository';
import { BLINDED_ROLES } from './exports.service';
import { ExportFileStore } from './file-store';

export type ExportRequest = {
  format: ExportFormatId;
  blinded?: boolean;
  datesAs?: 'calendar' | 'days';
  archival?: boolean;
  siteIds?: string[];
  dataCutId?: string;
};

/** Who may export a data cut (the whole trial, as of the cut-off). */
const CUT_EXPORTERS = ['statistician', 'monitor'];

/** Who may download any export's files besides its requester. */
const READS_EVERY_EXPORT = ['statistician'];

const notFound = () => new DomainError('EXPORT_NOT_FOUND', 'not_found', 'No such export');
const badRequest = (path: string, code: string, message: string) =>
  new DomainError(code, 'bad_request', message, [fieldError(path, code, message)]);

/**
 * Asking for exports and reading them back. The acting role decides what an export holds: its
 * sites (the role's scope, narrowed by `siteIds`) and blinding (a blinded role always gets a
 * blinded export). The work runs in the worker (RunExportJob); the job carries the export id only.
 */
@Injectable()
export class ExportRequestsService {
  constructor(
    private readonly repo: ExportsRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly sites: SitesReader,
    private readonly store: ExportFileStore,
    private readonly cuts: DataCutsApi,
  ) {}

  async request(actor: Actor, req: ExportRequest): Promise<ExportRecord> {
    if (!EXPORT_FORMATS[req.format]) {
      throw badRequest(
        'format',
        'EXPORT_FORMAT_UNAVAILABLE',
        `The ${req.format} format is not available`,
      );
    }
    if (req.archival && req.format !== 'odm') {
      throw badRequest('archival', 'ARCHIVAL_ODM_ONLY', 'Archival exports are ODM exports');
    }
    const blinded =
      req.blinded === true || (BLINDED_ROLES as readonly string[]).includes(actor.role);
    let dataCut: { id: string; name: string; cutoffAt: string } | undefined;
    if (req.dataCutId !== undefined) {
      if (!CUT_EXPORTERS.includes(actor.role)) {
        throw badRequest(
          'dataCutId',
          'DATA_CUT_EXPORT_NOT_ALLOWED',
          'Only the statistician and monitors export a data cut',
        );
      }
      if (req.siteIds !== undefined && req.siteIds.length > 0) {
        throw badRequest('siteIds', 'DATA_CUT_WHOLE_TRIAL', 'A data cut is exported whole');
      }
      dataCut = await this.cuts.cutForExport(req.dataCutId);
    }
    const scope = await this.scopeOf(actor, req.siteIds);
    const options = {
      blinded,
      datesAs: req.datesAs ?? 'calendar',
      archival: req.archival === true,
      ...(dataCut ? { dataCut } : {}),
    } as const;
    const id = await this.tx.run(async (uow) => {
      const exportId = await this.repo.insert(
        {
          requestedBy: actor.id as string,
          role: actor.role,
          format: req.format,
          options,
          scope,
          createdAt: this.clock.now(),
        },
        uow.em,
      );
      uow.enqueue(RunExportJob, { exportId });
      uow.audit({
        action: 'export.requested',
        entity: 'export',
        entityId: exportId,
        after: { format: req.format, options, scope },
      });
      return exportId;
    });
    return (await this.repo.find(id)) as ExportRecord;
  }

  /** The sites of the export: the actor's scope, narrowed to `siteIds` (each must be in it). */
  private async scopeOf(actor: Actor, siteIds: string[] | undefined): Promise<string[] | null> {
    const known = new Set((await this.sites.all()).map((s) => s.id));
    const allowed = actor.trialWide ? known : new Set(actor.siteIds.filter((s) => known.has(s)));
    if (siteIds === undefined || siteIds.length === 0) {
      return actor.trialWide ? null : [...allowed].sort();
    }
    const outside = siteIds.filter((s) => !allowed.has(s));
    if (outside.length > 0) {
      throw badRequest('siteIds', 'SITE_NOT_IN_SCOPE', 'A site is unknown or not in your scope');
    }
    return [...new Set(siteIds)].sort();
  }

  async list(actor: Actor, query: PageQueryDto): Promise<Page<ExportRecord>> {
    const { page, pageSize } = pageOf(query);
    const { items, total } = await this.repo.listOf(actor.id as string, page, pageSize);
    return { items, total, page, pageSize };
  }

  /** One export: the requester's own, or any for a role that reads every export; else 404. */
  async one(actor: Actor, id: string): Promise<ExportRecord> {
    const e = await this.repo.find(id);
    if (!e || (e.requestedBy !== actor.id && !READS_EVERY_EXPORT.includes(actor.role))) {
      throw notFound();
    }
    return e;
  }

  /** A file of a finished export, by a name its row lists (nothing else can be named). */
  async file(actor: Actor, id: string, name: string): Promise<{ name: string; stream: Readable }> {
    const e = await this.one(actor, id);
    const file = e.status === 'done' ? e.files.find((f) => f.name === name) : undefined;
    if (!file) {
      throw new DomainError('EXPORT_FILE_NOT_FOUND', 'not_found', 'No such file in this export');
    }
    return { name: file.name, stream: await this.store.open(e.id, file.name) };
  }
}
