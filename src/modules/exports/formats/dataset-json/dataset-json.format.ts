import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ExportContext,
  ExportedFile,
  ExportFormat,
  ExportValue,
  ExportWriter,
  ParticipantExport,
} from 'src/modules/exports/formats/format.types';
import {
  type ColumnType,
  columnValue,
  datasetColumns,
  type ExportColumn,
} from 'src/modules/exports/formats/columns';
import { type FileSink, openSink } from 'src/modules/exports/formats/file-sink';
import {
  itemGroupOid,
  itemOid,
  metaDataVersionOid,
  STUDY_OID,
} from 'src/modules/exports/formats/oids';
import { plainDecimal } from '../plain-decimal';

/** The Dataset-JSON version written (the schema's `^1.1(.(0|…))?$`). */
export const DATASET_JSON_VERSION = '1.1.0';
/** The temporary folder of the spooled rows inside the export's folder. */
const ROWS_FOLDER = '.dataset-json-rows';

/** Dataset-JSON 1.1 physical data type of each column type. */
const DATA_TYPE: Record<ColumnType, string> = {
  string: 'string',
  integer: 'integer',
  // Decimals travel as strings (Dataset-JSON 1.1: exact decimal, no binary float rounding).
  decimal: 'decimal',
  date: 'date',
  datetime: 'datetime',
  boolean: 'boolean',
  // The code list's numeric code, as in the CSV files and the SPSS/Stata value labels.
  code: 'integer',
};

/** SAS display formats for ISO 8601 date and datetime strings. */
const DISPLAY_FORMAT: Partial<Record<ColumnType, string>> = {
  date: 'E8601DA.',
  datetime: 'E8601DT.',
};

function jsonValue(column: ExportColumn, raw: ExportValue | undefined): ExportValue {
  const value = columnValue(column, raw);
  return column.type === 'decimal' && typeof value === 'number' ? plainDecimal(value) : value;
}

type DatasetFile = {
  name: string;
  label: string;
  columns: ExportColumn[];
  /** Longest string written per column (the `length` of a string column without a maximum). */
  longest: number[];
  records: number;
  rowsPath: string;
  rows: FileSink;
};

function header(ctx: ExportContext, file: DatasetFile): Record<string, unknown> {
  const newest = ctx.admin.protocolVersions.at(-1);
  return {
    datasetJSONCreationDateTime: ctx.snapshotAt,
    datasetJSONVersion: DATASET_JSON_VERSION,
    fileOID: `${ctx.exportId}/${file.name}`,
    originator: 'RAM-MS trial system',
    sourceSystem: { name: 'RAM-MS', version: ctx.dictionary.version },
    studyOID: STUDY_OID,
    ...(newest ? { metaDataVersionOID: metaDataVersionOid(newest.version) } : {}),
    itemGroupOID: itemGroupOid(file.name),
    records: file.records,
    name: file.name,
    label: file.label,
    columns: file.columns.map((c, i) => {
      const length =
        c.type === 'string' ? Math.max(c.maxLength ?? 0, file.longest[i] ?? 0, 1) : undefined;
      return {
        itemOID: itemOid(c.name),
        name: c.name,
        label: c.label,
        dataType: DATA_TYPE[c.type],
        ...(c.type === 'decimal' ? { targetDataType: 'decimal' } : {}),
        ...(length !== undefined ? { length } : {}),
        ...(DISPLAY_FORMAT[c.type] ? { displayFormat: DISPLAY_FORMAT[c.type] } : {}),
        ...(c.keySequence !== null ? { keySequence: c.keySequence } : {}),
      };
    }),
  };
}

/**
 * CDISC Dataset-JSON 1.1: one `<dataset>.json` per dataset of the (maybe blinded) dictionary.
 * The header needs the record count, but rows stream in: each dataset's rows go to a temporary
 * file in the export's folder as they come (one JSON array per line) and are copied behind the
 * header at close, so memory holds one participant at a time. Output is deterministic: the creation time is the
 * snapshot's, and every key and value is written in a fixed order.
 */
export const datasetJsonFormat: ExportFormat = {
  id: 'dataset-json',
  async open(ctx: ExportContext): Promise<ExportWriter> {
    // Beside the output (the file store, not a RAM-backed /tmp); removed at close, and with the
    // export's folder when an export fails.
    const temp = join(ctx.dir, ROWS_FOLDER);
    await mkdir(temp);
    const files: DatasetFile[] = ctx.dictionary.datasets.map((d) => {
      const rowsPath = join(temp, `${d.name}.rows`);
      return {
        name: d.name,
        label: d.label,
        columns: datasetColumns(ctx.dictionary, d, ctx.options),
        longest: [],
        records: 0,
        rowsPath,
        rows: openSink(rowsPath),
      };
    });
    return {
      async participant(p: ParticipantExport) {
        for (const file of files) {
          for (const row of p.rows[file.name] ?? []) {
            const values = file.columns.map((c, i) => {
              const value = jsonValue(c, row[c.name]);
              if (typeof value === 'string' && c.type === 'string') {
                file.longest[i] = Math.max(file.longest[i] ?? 0, [...value].length);
              }
              return value;
            });
            await file.rows.write(`${file.records === 0 ? '\n' : ',\n'}${JSON.stringify(values)}`);
            file.records += 1;
          }
        }
      },
      async close(): Promise<ExportedFile[]> {
        try {
          const out: ExportedFile[] = [];
          for (const file of files) {
            await file.rows.end();
            const name = `${file.name}.json`;
            const sink = openSink(join(ctx.dir, name));
            const head = JSON.stringify(header(ctx, file));
            await sink.write(`${head.slice(0, -1)},"rows":[`);
            for await (const chunk of createReadStream(file.rowsPath, { encoding: 'utf8' })) {
              await sink.write(chunk as string);
            }
            await sink.write(`${file.records > 0 ? '\n' : ''}]}\n`);
            await sink.end();
            out.push({ name, rows: file.records });
          }
          return out;
        } finally {
          await rm(temp, { recursive: true, force: true });
        }
      },
    };
  },
};
