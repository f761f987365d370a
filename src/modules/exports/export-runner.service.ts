import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { RequestContext } from 'src/common/context/request-context';
import type { Role } from 'src/common/context/roles';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { DataCutsApi } from 'src/modules/data-locks/data-cuts.api';
import { buildDictionary } from './dictionary/build-dictionary';
import { EXPORT_FORMATS } from './export-formats';
import { type ExportFileRow, ExportsRepository } from './exports.repository';
import { ExportFileStore } from './file-store';
import { ExportRowSource } from './source/row-source';

/** A stable id of an export's content: the same data exported the same way, the same id. */
const contentId = (...parts: unknown[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);

/**
 * Runs one export (in the worker): opens the snapshot, feeds every participant to the format's
 * writer, reports progress into the export's row, seals the files (sizes and SHA-256), and marks
 * the export done with an audit entry in the requester's name. A run repeated after success does
 * nothing; a failed run marks the export failed (a new export can be asked for).
 */
@Injectable()
export class ExportRunner {
  private readonly logger = new Logger(ExportRunner.name);

  constructor(
    private readonly repo: ExportsRepository,
    private readonly source: ExportRowSource,
    private readonly store: ExportFileStore,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly cuts: DataCutsApi,
  ) {}

  async run(exportId: string): Promise<void> {
    const e = await this.repo.find(exportId);
    if (!e || e.status === 'done') {
      return;
    }
    const requester = {
      id: e.requestedBy,
      role: e.role as Role,
      siteIds: e.scope ?? [],
      trialWide: e.scope === null,
    };
    await RequestContext.run(
      `export:${e.id}`,
      async () => {
        try {
          const format = EXPORT_FORMATS[e.format];
          if (!format) {
            throw new Error(`format ${e.format} is not available`);
          }
          await this.repo.start(e.id);
          const dictionary = buildDictionary({ blinded: e.options.blinded });
          const dir = await this.store.prepare(e.id);
          const { snapshotAt, dataAsOf, written, participants } = await this.source.read(
            { sites: e.scope },
            dictionary,
            e.options,
            async (snapshot) => {
              const writer = await format.open({
                dictionary,
                options: e.options,
                // Byte-identical output for the same data: the files' timestamps are the data's
                // last change, their file id derived from what was exported, not the row's id.
                snapshotAt: snapshot.dataAsOf,
                exportId: contentId(
                  e.format,
                  e.options,
                  e.scope,
                  dictionary.version,
                  snapshot.dataAsOf,
                ),
                dir,
                admin: snapshot.admin,
              });
              let done = 0;
              let reported = 0;
              try {
                for await (const p of snapshot.participants()) {
                  await writer.participant(p);
                  done += 1;
                  const progress = Math.min(99, Math.floor((done * 100) / snapshot.total));
                  if (progress > reported) {
                    reported = progress;
                    await this.repo.progress(e.id, progress);
                  }
                }
              } catch (err) {
                // Release the writer's files; the first error is the one reported.
                await writer.close().catch(() => undefined);
                throw err;
              }
              return {
                snapshotAt: snapshot.snapshotAt,
                dataAsOf: snapshot.dataAsOf,
                written: await writer.close(),
                participants: done,
              };
            },
          );
          const sealed = await this.store.seal(
            e.id,
            written.map((f) => f.name),
          );
          const files: ExportFileRow[] = sealed.map((f, i) => ({ ...f, rows: written[i].rows }));
          await this.tx.run(async (uow) => {
            await this.repo.finish(e.id, { snapshotAt, files, at: this.clock.now() }, uow.em);
            uow.audit({
              action: 'export.completed',
              entity: 'export',
              entityId: e.id,
              after: {
                format: e.format,
                options: e.options,
                scope: e.scope,
                snapshotAt,
                dataAsOf,
                participants,
                files: files.map(({ name, rows, bytes, sha256 }) => ({
                  name,
                  rows,
                  bytes,
                  sha256,
                })),
              },
            });
            if (e.options.dataCut) {
              // The cut keeps its first export's SHA-256; a later one is compared with them.
              await this.cuts.exported(uow, e.options.dataCut.id, e.id, files);
            }
          });
        } catch (err) {
          // The message names no person: readers and writers never put data into errors.
          const message = err instanceof Error ? err.message : String(err);
          this.logger.error(`export ${e.id} failed: ${message}`);
          await this.tx.run(async (uow) => {
            await this.repo.fail(e.id, message.slice(0, 500), this.clock.now(), uow.em);
            uow.audit({ action: 'export.failed', entity: 'export', entityId: e.id });
          });
        }
      },
      requester,
    );
  }
}
