import { FIELD_ITEMS, type FieldItem } from 'src/common/fields/registry';
import { buildDictionary, type DictionarySources } from './build-dictionary';
import { DATASETS } from './datasets';
import { DERIVED_VARIABLES, KEY_VARIABLES } from './derived-variables';
import type { Dictionary } from './dictionary.types';
import { MAX_NAME_LENGTH, RESERVED_WORDS, unsafeNameReason } from './reserved-words';
import STABLE from './stable-names.json';

const full = buildDictionary({ blinded: false });
const blinded = buildDictionary({ blinded: true });
const dupes = (xs: readonly string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
const sources = (): DictionarySources => ({
  items: FIELD_ITEMS,
  extras: [...KEY_VARIABLES, ...DERIVED_VARIABLES],
  datasets: DATASETS,
});
/** Every name an export writes: the variables, and `<name>_<code>` for multiple-choice codes. */
const writtenNames = (d: Dictionary) =>
  d.variables.flatMap((v) => [
    v.name,
    ...(v.multiple && v.codes ? v.codes.map((c) => `${v.name}_${c.code}`) : []),
  ]);

describe('the data dictionary (issue 17)', () => {
  it.each([
    ['full', full],
    ['blinded', blinded],
  ])('%s: names are at most 32 characters, unique and safe in R, SAS, SPSS and Stata', (_, d) => {
    const names = writtenNames(d);
    expect(names.filter((n) => n.length > MAX_NAME_LENGTH)).toEqual([]);
    expect(dupes(names.map((n) => n.toLowerCase()))).toEqual([]);
    expect(names.map((n) => [n, unsafeNameReason(n)]).filter(([, why]) => why !== null)).toEqual(
      [],
    );
    expect(
      d.datasets.map((x) => [x.name, unsafeNameReason(x.name)]).filter(([, w]) => w !== null),
    ).toEqual([]);
  });

  it('refuses every reserved word of the four languages, in any case, and the unsafe shapes', () => {
    for (const word of Object.values(RESERVED_WORDS).flat()) {
      expect(unsafeNameReason(word)).not.toBeNull();
      expect(unsafeNameReason(word.toUpperCase())).not.toBeNull();
      expect(unsafeNameReason(word.toLowerCase())).not.toBeNull();
    }
    for (const bad of ['a'.repeat(33), '1abc', '_n_x', 'a-b', 'str244', 'edss_', 'with', 'TO']) {
      expect({ bad, why: unsafeNameReason(bad) }).not.toEqual({ bad, why: null });
    }
    expect(unsafeNameReason('a'.repeat(32))).toBeNull();
    expect(unsafeNameReason('edss')).toBeNull();
  });

  it('throws on a name used twice; the name check catches a long or reserved registry name', () => {
    const rename = (name: string) => {
      const items = FIELD_ITEMS.map((i): FieldItem =>
        i.id === 'assessment.edss' ? { ...i, name } : i,
      );
      return buildDictionary({ blinded: false }, { ...sources(), items });
    };
    expect(() => rename('mri_gd')).toThrow(/used twice/);
    expect(() => rename('STUDY_ID')).toThrow(/used twice/);
    const long = rename('e'.repeat(33));
    const reserved = rename('_N');
    expect(writtenNames(long).filter((n) => unsafeNameReason(n) !== null)).toEqual([
      'e'.repeat(33),
    ]);
    expect(writtenNames(reserved).filter((n) => unsafeNameReason(n) !== null)).toEqual(['_N']);
  });

  it('is deterministic: the same sources give the same dictionary and version', () => {
    expect(buildDictionary({ blinded: false })).toEqual(full);
    expect(JSON.stringify(buildDictionary({ blinded: true }))).toBe(JSON.stringify(blinded));
    expect(full.version).toMatch(/^[0-9a-f]{16}$/);
    expect(full.version).not.toBe(blinded.version);
  });

  it('holds every registry item exactly once, in exactly one dataset', () => {
    const fromItems = full.variables.filter((v) => v.item !== null);
    expect(fromItems.map((v) => v.item).sort()).toEqual(FIELD_ITEMS.map((i) => i.id).sort());
    for (const v of fromItems) {
      expect({ name: v.name, datasets: v.datasets.length }).toEqual({ name: v.name, datasets: 1 });
      expect(v.name).toBe(FIELD_ITEMS.find((i) => i.id === v.item)?.name);
    }
  });

  it("repeats no registry item among the dictionary's own variables", () => {
    const registryNames = new Set(FIELD_ITEMS.map((i) => i.name.toLowerCase()));
    const registryLabels = new Set(FIELD_ITEMS.map((i) => i.label.toLowerCase()));
    for (const e of [...KEY_VARIABLES, ...DERIVED_VARIABLES]) {
      expect({ name: e.name, clash: registryNames.has(e.name.toLowerCase()) }).toEqual({
        name: e.name,
        clash: false,
      });
      expect({ name: e.name, clash: registryLabels.has(e.label.toLowerCase()) }).toEqual({
        name: e.name,
        clash: false,
      });
      if (e.derivedFrom) {
        expect(FIELD_ITEMS.map((i) => i.id)).toContain(e.derivedFrom);
      }
    }
  });

  it('never renames a variable nor renumbers a code (names and codes pinned in stable-names.json)', () => {
    const byName = new Map(full.variables.map((v) => [v.name, v]));
    for (const [name, pinned] of Object.entries(STABLE) as [
      string,
      { source: string; codes?: Record<string, string> },
    ][]) {
      const v = byName.get(name);
      expect({ name, exists: v !== undefined }).toEqual({ name, exists: true });
      expect({ name, source: v?.item ?? `dictionary:${v?.derivedFrom ?? ''}` }).toEqual({
        name,
        source: pinned.source,
      });
      const now = Object.fromEntries((v?.codes ?? []).map((c) => [String(c.code), c.value]));
      for (const [code, value] of Object.entries(pinned.codes ?? {})) {
        expect({ name, code, value: now[code] }).toEqual({ name, code, value });
      }
    }
    // A new variable must be pinned too (regenerate the file's new entries, never edit old ones).
    expect(full.variables.map((v) => v.name).filter((n) => !(n in STABLE))).toEqual([]);
  });

  it('numbers every code list 1, 2, 3, … with unique values', () => {
    for (const v of full.variables) {
      if (v.type !== 'code') {
        expect({ name: v.name, codes: v.codes }).toEqual({ name: v.name, codes: null });
        continue;
      }
      const codes = v.codes ?? [];
      expect(codes.map((c) => c.code)).toEqual(codes.map((_, i) => i + 1));
      expect(dupes(codes.map((c) => c.value))).toEqual([]);
    }
  });

  it('the blinded dictionary has no arm-revealing variable, code or dataset', () => {
    expect(blinded.blinded).toBe(true);
    expect(blinded.variables.filter((v) => v.revealsArm)).toEqual([]);
    const revealingItems = new Set(FIELD_ITEMS.filter((i) => i.revealsArm).map((i) => i.id));
    expect(blinded.variables.filter((v) => v.item !== null && revealingItems.has(v.item))).toEqual(
      [],
    );
    expect(blinded.variables.flatMap((v) => (v.codes ?? []).filter((c) => c.revealsArm))).toEqual(
      [],
    );
    const names = blinded.variables.map((v) => v.name);
    for (const gone of ['arm', 'armb_drug', 'tx_day0', 'txp_phase', 'ae_term', 'ae_seq']) {
      expect(names).not.toContain(gone);
    }
    for (const gone of ['tx_phases', 'adverse_events', 'ae_assessments', 'visit_samples']) {
      expect(blinded.datasets.map((d) => d.name)).not.toContain(gone);
    }
    // Codes keep their numbers: the arm-A weekly visit (2) is gone, unscheduled stays 3.
    const kind = blinded.variables.find((v) => v.name === 'vis_kind');
    expect(kind?.codes?.map((c) => [c.code, c.value])).toEqual([
      [1, 'scheduled'],
      [3, 'unscheduled'],
    ]);
    // The full one has them.
    expect(full.variables.filter((v) => v.revealsArm).length).toBeGreaterThan(20);
  });

  it('lists each variable in the datasets it names, keys first, and every dataset has its keys', () => {
    for (const d of [full, blinded]) {
      const byName = new Map(d.variables.map((v) => [v.name, v]));
      for (const ds of d.datasets) {
        expect(ds.variables.slice(0, ds.keys.length)).toEqual(ds.keys);
        expect(ds.keys[0]).toBe('study_id');
        expect(dupes(ds.variables)).toEqual([]);
        for (const n of ds.variables) {
          expect(byName.get(n)?.datasets).toContain(ds.name);
        }
      }
      const listed = new Set(d.datasets.flatMap((ds) => ds.variables));
      expect(d.variables.filter((v) => !listed.has(v.name))).toEqual([]);
    }
    expect(full.datasets.map((d) => d.name)).toEqual(DATASETS.map((d) => d.name));
  });

  it('carries the variables the issue lists', () => {
    const names = new Set(full.variables.map((v) => v.name));
    for (const n of [
      'arm',
      'armb_drug',
      'rand_date',
      'randomised_at',
      'alloc_stratum',
      'status',
      'registered_at',
      'scrfail_reason',
      'elig_signed_at',
      'elig_sig_status',
      'txp_phase',
      'txp_start',
      'vis_date',
      'edss',
      'mri_gd',
      'ae_term',
      'fu_outcome',
      'neda3',
      'neda3_w96',
      'edss_cdp',
    ]) {
      expect(names).toContain(n);
    }
    const edss = full.variables.find((v) => v.name === 'edss');
    expect(edss).toMatchObject({ type: 'decimal', unit: 'EDSS points', datasets: ['visits'] });
    expect(full.variables.find((v) => v.name === 'study_id')?.datasets).toEqual(
      DATASETS.map((d) => d.name),
    );
  });

  it('holds no identity data', () => {
    const identity =
      /\b(first|last|family|given|full)?.?name\b|birth|e-?mail|phone|address|national|postcode|initials/i;
    expect(
      full.variables
        .filter((v) => identity.test(v.name) || identity.test(v.label))
        .map((v) => v.name),
    ).toEqual([]);
  });
});
