import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KNOWN_FOREIGN_TABLE_USES, PUBLIC_VIEWS, TABLE_OWNERS } from './table-ownership';

const ROOT = path.resolve(__dirname, '..', '..');

function files(dir: string, match: (f: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p, match) : match(p) ? [p] : [];
  });
}

/** Table names a piece of source names in SQL (upper-case keywords, as the code writes SQL). */
function tablesNamed(source: string): Set<string> {
  const found = new Set<string>();
  for (const m of source.matchAll(
    /\b(?:FROM|JOIN|UPDATE|INTO|TABLE|REFERENCES)\s+([a-z][a-z0-9_]*)\b/g,
  )) {
    found.add(m[1]);
  }
  return found;
}

const owner = new Map(
  Object.entries(TABLE_OWNERS).flatMap(([module, tables]) =>
    tables.map((t) => [t, module] as const),
  ),
);

/**
 * Each table has one owner (test/unit/table-ownership.ts). A module's SQL names only its own
 * tables; another's it reads through the owner's reader or a public view. Today's exceptions are a
 * recorded baseline that may only shrink: a new foreign use fails, and so does a baseline entry
 * that no longer occurs (delete it, so the list stays exact).
 */
describe('table ownership', () => {
  const created = new Set(
    files(path.join(ROOT, 'migrations'), (f) => f.endsWith('.ts')).flatMap((f) =>
      [
        ...readFileSync(f, 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z][a-z0-9_]*)/g),
      ].map((m) => m[1]),
    ),
  );

  const migrationsText = files(path.join(ROOT, 'migrations'), (f) => f.endsWith('.ts'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');

  it('declares every view of the migrations as a public view of one owner', () => {
    // A later migration may redefine a view (new columns): each view counts once.
    const views = [
      ...new Set(
        [...migrationsText.matchAll(/CREATE (?:OR REPLACE )?VIEW ([a-z][a-z0-9_]*)/g)].map(
          (m) => m[1],
        ),
      ),
    ];
    const declared = Object.values(PUBLIC_VIEWS).flat();
    expect([...views].sort()).toEqual([...declared].sort());
    expect(declared.filter((v) => owner.has(v))).toEqual([]);
    for (const [module, list] of Object.entries(PUBLIC_VIEWS)) {
      expect(TABLE_OWNERS[module]).toBeDefined();
      // A view reads only its owner's tables.
      for (const view of list) {
        const body =
          new RegExp(`CREATE VIEW ${view} AS([\\s\\S]*?);`).exec(migrationsText)?.[1] ?? '';
        const foreign = [...tablesNamed(body)].filter((t) => owner.get(t) !== module);
        expect({ view, foreign }).toEqual({ view, foreign: [] });
      }
    }
  });

  it('gives every table of the migrations exactly one owning module', () => {
    expect(created.size).toBeGreaterThan(20);
    expect([...created].filter((t) => !owner.has(t)).sort()).toEqual([]);
    expect([...owner.keys()].filter((t) => !created.has(t)).sort()).toEqual([]);
    const modules = [...readdirSync(path.join(ROOT, 'src', 'modules')), 'kernel'];
    expect(Object.keys(TABLE_OWNERS).filter((m) => !modules.includes(m))).toEqual([]);
  });

  it("finds no module naming another module's table beyond the recorded baseline, and no stale baseline entry", () => {
    const uses: string[] = [];
    const source = (f: string) => f.endsWith('.ts') && !/\.(spec|int-spec)\.ts$/.test(f);
    const sources = [
      ...files(path.join(ROOT, 'src', 'modules'), source),
      ...files(path.join(ROOT, 'src', 'kernel'), source),
    ];
    for (const file of sources) {
      const rel = path.relative(ROOT, file).split(path.sep).join('/');
      // src/modules/<module>/… or src/kernel/…
      const module = rel.startsWith('src/kernel/') ? 'kernel' : rel.split('/')[2];
      for (const table of tablesNamed(readFileSync(file, 'utf8'))) {
        const tableOwner = owner.get(table);
        if (tableOwner && tableOwner !== module) {
          uses.push(`${rel} → ${table} (${tableOwner})`);
        }
      }
    }
    const known = new Set(KNOWN_FOREIGN_TABLE_USES);
    expect(uses.filter((u) => !known.has(u)).sort()).toEqual([]);
    expect([...known].filter((k) => !uses.includes(k)).sort()).toEqual([]);
  });

  it('catches a foreign table in SQL (the check can fail)', () => {
    expect(
      tablesNamed('SELECT a.arm FROM allocations a JOIN participants p ON p.id = a.participant_id'),
    ).toEqual(new Set(['allocations', 'participants']));
    expect(tablesNamed("import { x } from 'y'; // lower-case from is not SQL")).toEqual(new Set());
  });
});
