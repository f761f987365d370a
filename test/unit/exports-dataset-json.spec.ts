import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { buildDictionary } from 'src/modules/exports/dictionary/build-dictionary';
import {
  NASTY_TEXT,
  readFolder,
  removeFolder,
  runFormat,
  SNAPSHOT_AT,
  syntheticParticipants,
} from '../harness/synthetic-exports';
import { datasetJsonFormat } from 'src/modules/exports/formats/dataset-json/dataset-json.format';

const SCHEMA_PATH = join(__dirname, '../standards/dataset-json-1.1/dataset.schema.json');
const ajv = new Ajv2019({ strict: false, allErrors: true });
const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);

type Column = { name: string; dataType: string; keySequence?: number; length?: number } & Record<
  string,
  unknown
>;
type DatasetJson = {
  records: number;
  name: string;
  columns: Column[];
  rows: unknown[][];
} & Record<string, unknown>;

const full = buildDictionary({ blinded: false });
const blinded = buildDictionary({ blinded: true });
const participants = syntheticParticipants(full, { count: 4 });
const folders: string[] = [];

async function run(
  ...args: Parameters<typeof runFormat> extends [unknown, ...infer R] ? R : never
) {
  const out = await runFormat(datasetJsonFormat, ...args);
  folders.push(out.dir);
  const files = await readFolder(out.dir);
  const docs = new Map(
    [...files].map(([name, bytes]) => [name, JSON.parse(bytes.toString('utf8')) as DatasetJson]),
  );
  return { ...out, bytes: files, docs };
}

afterAll(async () => {
  await Promise.all(folders.map(removeFolder));
});

describe('Dataset-JSON 1.1 export (issue 17)', () => {
  it('[REQ-EXP-003] writes one file per dataset, each valid against the official schema, with every row', async () => {
    const { files, docs } = await run(full, participants);
    expect([...docs.keys()].sort()).toEqual(full.datasets.map((d) => `${d.name}.json`).sort());
    expect(files.map((f) => f.name)).toEqual(full.datasets.map((d) => `${d.name}.json`));
    for (const [name, doc] of docs) {
      const ok = validate(doc);
      expect({ name, errors: ok ? null : validate.errors }).toEqual({ name, errors: null });
      const expected = participants.flatMap((p) => p.rows[doc.name]);
      expect(doc.records).toBe(expected.length);
      expect(doc.rows).toHaveLength(expected.length);
      expect(doc.rows.every((r) => r.length === doc.columns.length)).toBe(true);
      expect(doc.datasetJSONCreationDateTime).toBe(SNAPSHOT_AT);
      expect(doc.datasetJSONVersion).toBe('1.1.0');
      expect(doc.itemGroupOID).toBe(`IG.${doc.name.toUpperCase()}`);
    }
  });

  it('[REQ-EXP-003] fails validation when a required property is removed or mistyped (the check can fail)', async () => {
    const { docs } = await run(full, participants.slice(0, 1));
    const doc = docs.get('participants.json') as DatasetJson;
    for (const key of ['columns', 'records', 'itemGroupOID', 'datasetJSONCreationDateTime']) {
      const broken: Record<string, unknown> = { ...doc };
      delete broken[key];
      expect({ key, valid: validate(broken) }).toEqual({ key, valid: false });
    }
    const noOid = { ...doc, columns: doc.columns.map(({ itemOID: _, ...c }) => c) };
    expect(validate(noOid)).toBe(false);
    expect(validate({ ...doc, columns: [{ ...doc.columns[0], dataType: 'code' }] })).toBe(false);
  });

  it('types values by the dictionary: ISO dates, numeric codes, decimals as strings, null when missing', async () => {
    const { docs } = await run(full, participants);
    const seen = new Set<string>();
    for (const doc of docs.values()) {
      doc.columns.forEach((c, i) => {
        const values = doc.rows.map((r) => r[i]).filter((v) => v !== null);
        seen.add(c.dataType);
        const check: Record<string, (v: unknown) => boolean> = {
          string: (v) => typeof v === 'string',
          integer: (v) => Number.isInteger(v),
          decimal: (v) => typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v),
          boolean: (v) => typeof v === 'boolean',
          date: (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\d$/.test(v),
          datetime: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
        };
        expect({ column: c.name, bad: values.filter((v) => !check[c.dataType](v)) }).toEqual({
          column: c.name,
          bad: [],
        });
        if (c.dataType === 'date') {
          expect(c.displayFormat).toBe('E8601DA.');
        }
        if (c.dataType === 'string') {
          expect(c.length).toBeGreaterThanOrEqual(
            Math.max(1, ...values.map((v) => [...(v as string)].length)),
          );
        }
      });
      expect(doc.rows.some((r) => r.includes(null)) || doc.rows.length === 0).toBe(true);
    }
    expect([...seen].sort()).toEqual(
      ['boolean', 'date', 'datetime', 'decimal', 'integer', 'string'].sort(),
    );
    const text = JSON.stringify([...docs.values()].map((d) => d.rows));
    expect(text).toContain(JSON.stringify(NASTY_TEXT).slice(1, 12));
    const visits = docs.get('visits.json') as DatasetJson;
    expect(visits.columns.filter((c) => c.keySequence).map((c) => [c.name, c.keySequence])).toEqual(
      [
        ['study_id', 1],
        ['visit_code', 2],
      ],
    );
  });

  it('writes days since randomisation as integers when asked', async () => {
    const { docs } = await run(full, participants.slice(0, 1), { datesAs: 'days' });
    const dates = full.variables.filter((v) => v.type === 'date').map((v) => v.name);
    const columns = [...docs.values()].flatMap((d) => d.columns);
    expect(
      columns.filter((c) => dates.includes(c.name)).every((c) => c.dataType === 'integer'),
    ).toBe(true);
  });

  it('is deterministic: the same input gives byte-identical files', async () => {
    const a = await run(full, participants);
    const b = await run(full, participants);
    expect([...a.bytes.keys()]).toEqual([...b.bytes.keys()]);
    for (const [name, bytes] of a.bytes) {
      expect({ name, same: bytes.equals(b.bytes.get(name) as Buffer) }).toEqual({
        name,
        same: true,
      });
    }
  });

  it('[REQ-BLIND-003] blinded: no arm-revealing dataset, column or code value, even when the rows carry them', async () => {
    const { docs } = await run(blinded, participants);
    const revealing = full.variables.filter((v) => v.revealsArm).map((v) => v.name);
    expect(revealing.length).toBeGreaterThan(0);
    const names = [...docs.values()].flatMap((d) => d.columns.map((c) => c.name));
    expect(names.filter((n) => revealing.some((r) => n === r || n.startsWith(`${r}_`)))).toEqual(
      [],
    );
    expect([...docs.keys()].sort()).toEqual(blinded.datasets.map((d) => `${d.name}.json`).sort());
    for (const v of blinded.variables.filter((x) => x.type === 'code' && !x.multiple)) {
      const allowed = new Set((v.codes ?? []).map((c) => c.code));
      for (const doc of docs.values()) {
        const i = doc.columns.findIndex((c) => c.name === v.name);
        if (i >= 0) {
          const bad = doc.rows
            .map((r) => r[i])
            .filter((x) => x !== null && !allowed.has(x as number));
          expect({ variable: v.name, bad }).toEqual({ variable: v.name, bad: [] });
        }
      }
    }
  });
});
