import { Injectable } from '@nestjs/common';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import { DataLockErrors } from './data-locks.errors';
import { DataLocksRepository } from './data-locks.repository';

/** A confirmed data cut as an export reads it. */
export type DataCutForExport = { id: string; name: string; cutoffAt: string };

/**
 * What the exports module uses of data cuts: the cut an export is of (confirmed cuts only), and
 * the reference files of a cut (its first export's SHA-256), kept with the cut; a later export
 * of the same cut is compared with them (`data-cut.export_checked`, audited).
 */
@Injectable()
export class DataCutsApi {
  constructor(private readonly repo: DataLocksRepository) {}

  async cutForExport(id: string): Promise<DataCutForExport> {
    const cut = await this.repo.cut(id);
    if (!cut) {
      throw DataLockErrors.cutNotFound();
    }
    if (cut.status !== 'confirmed') {
      throw DataLockErrors.cutNotConfirmed();
    }
    return { id: cut.id, name: cut.name, cutoffAt: new Date(cut.cutoffAt).toISOString() };
  }

  /** Called in the transaction that finishes an export of the cut. */
  async exported(
    uow: UnitOfWork,
    cutId: string,
    exportId: string,
    files: readonly { name: string; sha256: string }[],
  ): Promise<void> {
    const cut = await this.repo.cut(cutId, uow.em, true);
    if (!cut) {
      return;
    }
    const mine = files.map(({ name, sha256 }) => ({ name, sha256 }));
    if (!cut.exportId || !cut.exportFiles) {
      await this.repo.setCutExport(cutId, exportId, mine, uow.em);
      uow.audit({
        action: 'data-cut.exported',
        entity: 'data_cut',
        entityId: cutId,
        after: { exportId, files: mine },
      });
      return;
    }
    const reference = new Map(cut.exportFiles.map((f) => [f.name, f.sha256]));
    // Files of another format are not compared (each format's first export is not kept).
    const compared = mine.filter((f) => reference.has(f.name));
    const same = compared.length > 0 && compared.every((f) => reference.get(f.name) === f.sha256);
    uow.audit({
      action: 'data-cut.export_checked',
      entity: 'data_cut',
      entityId: cutId,
      after: { exportId, referenceExportId: cut.exportId, compared: compared.length, same },
    });
  }
}
