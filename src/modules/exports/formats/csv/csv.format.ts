import { type FileHandle, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { csvLine } from 'src/common/csv/csv-line';
import type { ExportContext, ExportedFile, ExportFormat, ExportWriter } from '../format.types';
import { csvCell } from './csv-cell';
import { type CsvDataset, csvDatasets } from './csv-columns';
import { SCRIPTS, scriptModel } from './scripts';

/**
 * The CSV export (issue 17): one file `<dataset>.csv` per dataset of the dictionary, the wide
 * `participants.csv` with one row per participant and the long files with one row per visit or
 * event. UTF-8 without BOM, comma-separated, RFC 4180 quoting (by csv-stringify), '\n' line ends,
 * a header row of variable names, columns in dictionary order (a multiple-choice variable as one
 * 0/1 column per code, `<name>_<code>`); the cell conventions (missing, dates, codes, …) are
 * csvCell's. Rows are written as participants arrive (one buffer per file, flushed at 64 KiB), so
 * memory holds one participant. The same rows give byte-identical files.
 *
 * On close it writes read_data.R, read_data.sas, read_data.sps (SPSS, runs in PSPP) and
 * read_data.do (Stata) beside the files: each reads every CSV of the export with labels, value
 * labels and date types (see scripts/). They are returned with `rows: 0`.
 */

const FLUSH_AT = 64 * 1024;

// Quoting and line ends: csvLine's (src/common/csv), shared with the audit history.
const toCsv = csvLine;

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
  /** Most digits after the point per decimal column (`<dataset>.<column>`): SPSS display formats. */
  private readonly decimals = new Map<string, number>();
  /** A participant that could not be written fails the export: the files are closed, close() throws. */
  private failure: Error | null = null;

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
    if (this.failure) {
      throw this.failure;
    }
    try {
      await this.write(p);
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
      await Promise.allSettled(this.files.map((f) => f.close()));
      throw e;
    }
  }

  private async write(p: Parameters<ExportWriter['participant']>[0]): Promise<void> {
    const { datesAs } = this.ctx.options;
    for (const [i, d] of this.datasets.entries()) {
      const file = this.files[i];
      for (const row of p.rows[d.name] ?? []) {
        const cells = d.columns.map((c) => csvCell(c, row[c.name], datesAs));
        for (const [j, c] of d.columns.entries()) {
          const dot = cells[j].indexOf('.');
          if (dot >= 0 && c.type !== 'string') {
            const key = `${d.name}.${c.name}`;
            this.decimals.set(
              key,
              Math.max(this.decimals.get(key) ?? 0, cells[j].length - dot - 1),
            );
          }
        }
        await file.write(toCsv(cells));
        file.rows += 1;
      }
    }
  }

  async close(): Promise<ExportedFile[]> {
    if (this.failure) {
      throw this.failure;
    }
    const closed = await Promise.allSettled(this.files.map((f) => f.close()));
    const failed = closed.find((c) => c.status === 'rejected');
    if (failed) {
      throw failed.reason;
    }
    const model = scriptModel(
      this.ctx,
      this.datasets,
      (dataset, column) => this.decimals.get(`${dataset}.${column}`) ?? 0,
    );
    for (const s of SCRIPTS) {
      await writeFile(join(this.ctx.dir, s.file), s.write(model), { encoding: 'utf8', flag: 'wx' });
    }
    return [
      ...this.datasets.map((d, i) => ({ name: d.file, rows: this.files[i].rows })),
      ...SCRIPTS.map((s) => ({ name: s.file, rows: 0 })),
    ];
  }
}

export const csvFormat: ExportFormat = {
  id: 'csv',
  open: (ctx) => CsvWriter.open(ctx),
};
