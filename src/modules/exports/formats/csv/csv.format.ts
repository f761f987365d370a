import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { ExportContext, ExportedFile, ExportFormat, ExportWriter } from '../format.types';
import { csvCell } from './csv-cell';
import { type CsvDataset, csvDatasets } from './csv-columns';

/**
 * The CSV export (issue 17): one file `<dataset>.csv` per dataset of the dictionary, the wide
 * `participants.csv` with one row per participant and the long files with one row per visit or
 * event. UTF-8 without BOM, comma-separated, RFC 4180 quoting (by csv-stringify), '\n' line ends,
 * a header row of variable names, columns in dictionary order (a multiple-choice variable as one
 * 0/1 column per code, `<name>_<code>`); the cell conventions (missing, dates, codes, …) are
 * csvCell's. Rows are written as participants arrive (one buffer per file, flushed at 64 KiB), so
 * memory holds one participant. The same rows give byte-identical files.
 */

const FLUSH_AT = 64 * 1024;

const toCsv = (cells: string[]) => stringify([cells], { record_delimiter: '\n' });

class CsvFile {
  rows = 0;
  private pending: string[] = [];
  private size = 0;
  private constructor(private readonly handle: FileHandle) {}

  static async create(path: string): Promise<CsvFile> {
    return new CsvFile(await open(path, 'wx'));
  }

  async write(line: string): Promise<void> {
    this.pending.push(line);
    this.size += line.length;
    if (this.size >= FLUSH_AT) {
      await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.pending.length > 0) {
      const chunk = this.pending.join('');
      this.pending = [];
      this.size = 0;
      await this.handle.write(chunk, null, 'utf8');
    }
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }
}

class CsvWriter implements ExportWriter {
  private constructor(
    private readonly ctx: ExportContext,
    private readonly datasets: CsvDataset[],
    private readonly files: CsvFile[],
  ) {}

  static async open(ctx: ExportContext): Promise<CsvWriter> {
    const datasets = csvDatasets(ctx.dictionary);
    const files: CsvFile[] = [];
    try {
      for (const d of datasets) {
        const file = await CsvFile.create(join(ctx.dir, d.file));
        files.push(file);
        await file.write(toCsv(d.columns.map((c) => c.name)));
      }
    } catch (e) {
      await Promise.allSettled(files.map((f) => f.close()));
      throw e;
    }
    return new CsvWriter(ctx, datasets, files);
  }

  async participant(p: Parameters<ExportWriter['participant']>[0]): Promise<void> {
    const { datesAs } = this.ctx.options;
    for (const [i, d] of this.datasets.entries()) {
      const file = this.files[i];
      for (const row of p.rows[d.name] ?? []) {
        await file.write(toCsv(d.columns.map((c) => csvCell(c, row[c.name], datesAs))));
        file.rows += 1;
      }
    }
  }

  async close(): Promise<ExportedFile[]> {
    const closed = await Promise.allSettled(this.files.map((f) => f.close()));
    const failed = closed.find((c) => c.status === 'rejected');
    if (failed) {
      throw failed.reason;
    }
    return this.datasets.map((d, i) => ({ name: d.file, rows: this.files[i].rows }));
  }
}

export const csvFormat: ExportFormat = {
  id: 'csv',
  open: (ctx) => CsvWriter.open(ctx),
};
