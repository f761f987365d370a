import { buildDictionary } from 'src/modules/exports/dictionary/build-dictionary';
import { ODM_FILE, odmFormat } from 'src/modules/exports/formats/odm/odm.format';
import { attr, text } from 'src/modules/exports/formats/odm/xml';
import type { ExportOptions } from 'src/modules/exports/formats/format.types';
import {
  readFolder,
  removeFolder,
  runFormat,
  SNAPSHOT_AT,
  SYNTHETIC_ADMIN,
  syntheticParticipants,
} from '../harness/synthetic-exports';

const full = buildDictionary({ blinded: false });
const blinded = buildDictionary({ blinded: true });
const participants = syntheticParticipants(full, { count: 4 });
const folders: string[] = [];

async function odm(dictionary = full, options: Partial<ExportOptions> = {}): Promise<string> {
  const out = await runFormat(odmFormat, dictionary, participants, options);
  folders.push(out.dir);
  expect(out.files).toEqual([{ name: ODM_FILE, rows: participants.length }]);
  const files = await readFolder(out.dir);
  expect([...files.keys()]).toEqual([ODM_FILE]);
  return (files.get(ODM_FILE) as Buffer).toString('utf8');
}

const count = (xml: string, re: RegExp) => (xml.match(re) ?? []).length;
const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&');

afterAll(async () => {
  await Promise.all(folders.map(removeFolder));
});

describe('ODM 1.3.2 export (issue 17)', () => {
  it('escapes the XML specials and strips characters XML 1.0 forbids', () => {
    const nasty = 'a<b>&"c\'\td\ne\rf\u0001\u000b\u001f\uFFFE\uD800g日本✓😀';
    expect(attr(nasty)).toBe('a&lt;b&gt;&amp;&quot;c&apos;&#9;d&#10;e&#13;fg日本✓😀');
    expect(text(nasty)).toBe('a&lt;b&gt;&amp;"c\'\td\ne&#13;fg日本✓😀');
    expect(unescape(attr('x & y < z "q"'))).toBe('x & y < z "q"');
  });

  it('snapshot: the study with one MetaDataVersion per protocol version, admin data, one ClinicalData per participant', async () => {
    const xml = await odm();
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<ODM ')).toBe(true);
    expect(xml).toContain('FileType="Snapshot"');
    expect(xml).not.toContain('Archival=');
    expect(xml).not.toContain('TransactionType=');
    expect(xml).toContain(`CreationDateTime="${SNAPSHOT_AT}"`);
    expect(xml).toContain('FileOID="ram-ms.example.org/exports/test-1"');
    expect(count(xml, /<MetaDataVersion /g)).toBe(SYNTHETIC_ADMIN.protocolVersions.length);
    for (const v of SYNTHETIC_ADMIN.protocolVersions) {
      expect(xml).toContain(`<MetaDataVersion OID="MDV.${v.version}"`);
    }
    // Every dataset a form with an item group; every variable an item (per version).
    const versions = SYNTHETIC_ADMIN.protocolVersions.length;
    expect(count(xml, /<FormDef /g)).toBe(full.datasets.length * versions);
    expect(count(xml, /<ItemGroupDef /g)).toBe(full.datasets.length * versions);
    for (const v of full.variables.filter((x) => x.name !== 'study_id')) {
      const oid =
        v.multiple && v.codes
          ? `IT.${v.name.toUpperCase()}_${v.codes[0].code}`
          : `IT.${v.name.toUpperCase()}`;
      expect({ oid, defs: count(xml, new RegExp(`<ItemDef OID="${oid}"`, 'g')) }).toEqual({
        oid,
        defs: versions,
      });
    }
    expect(xml).toMatch(
      /<StudyEventDef OID="SE.VISIT" Name="[^"]+" Repeating="Yes" Type="Scheduled">/,
    );
    expect(xml).toMatch(
      /<CodeListItem CodedValue="1" OrderNumber="1"><Decode><TranslatedText xml:lang="en">/,
    );
    for (const u of SYNTHETIC_ADMIN.users) {
      expect(xml).toContain(`<User OID="USR.${u.id}"`);
    }
    for (const s of SYNTHETIC_ADMIN.sites) {
      expect(xml).toContain(
        `<Location OID="LOC.${s.code}" Name="${attr(s.name)}" LocationType="Site">`,
      );
    }
    expect(xml).toContain('<SignatureDef OID="SD.ELIGIBILITY" Methodology="Electronic"><Meaning>');
    expect(count(xml, /<ClinicalData /g)).toBe(participants.length);
    for (const p of participants) {
      expect(xml).toContain(
        `<ClinicalData StudyOID="RAM-MS" MetaDataVersionOID="MDV.${p.protocolVersion}">\n<SubjectData SubjectKey="${p.studyId}"><SiteRef LocationOID="LOC.${p.siteCode}"/>`,
      );
    }
    // Each visit code one repetition of the visit event; each signature once.
    expect(xml).toContain('<StudyEventData StudyEventOID="SE.VISIT" StudyEventRepeatKey="M03">');
    const signatures = participants.flatMap((p) => p.signatures).length;
    expect(count(xml, /<Signature[ >]/g)).toBe(signatures);
    expect(count(xml, /<Signatures>/g)).toBe(1);
    // The values survive escaping.
    const values = [...xml.matchAll(/ Value="([^"]*)"/g)].map((m) => unescape(m[1]));
    expect(
      values.some((v) => v.startsWith('Zoë <b>&amp;</b> "quoted" \'apos\' → 日本語 ✓ end')),
    ).toBe(true);
    expect(xml.includes('\u0001') || xml.includes('\u000b')).toBe(false);
  });

  it('[REQ-EXP-002] archival: transactional, every audit entry exactly once, changes as ItemData transactions', async () => {
    const xml = await odm(full, { archival: true });
    expect(xml).toContain('FileType="Transactional" Archival="Yes"');
    expect(count(xml, /<SubjectData [^>]*TransactionType="Insert"/g)).toBe(participants.length);
    const seqs = participants.flatMap((p) => p.audit.map((a) => a.seq));
    const found = [...xml.matchAll(/<SourceID>audit (\d+):/g)].map((m) => Number(m[1]));
    expect(found.sort((a, b) => a - b)).toEqual(seqs.sort((a, b) => a - b));
    expect(count(xml, /<ItemData [^>]*TransactionType="Update"/g)).toBe(participants.length);
    expect(count(xml, /<ItemData [^>]*TransactionType="Insert"/g)).toBe(participants.length * 3);
    expect(xml).toMatch(
      /<ItemData ItemOID="IT\.[A-Z_]+" TransactionType="Update" Value="[^"]*"><AuditRecord><UserRef UserOID="USR.u-inv"\/><LocationRef LocationOID="LOC.NL01"\/><DateTimeStamp>2026-01-03T08:00:00.000Z<\/DateTimeStamp><ReasonForChange>Transcription error — corrigé &lt;sic&gt; &amp; "fixed"<\/ReasonForChange>/,
    );
    expect(xml).toContain('<AuditRecord ID="AR.1"><UserRef UserOID="USR.u-coord"/>');
    expect(xml).toContain('<UserRef UserOID="USR.SYSTEM"/><LocationRef LocationOID="LOC.TRIAL"/>');
  });

  it('is deterministic: the same input gives byte-identical files (snapshot and archival)', async () => {
    expect(await odm()).toBe(await odm());
    expect(await odm(full, { archival: true })).toBe(await odm(full, { archival: true }));
  });

  it('[REQ-BLIND-003] blinded: no arm-revealing item, code or audit entry, even when the rows and the audit trail carry them', async () => {
    const xml = await odm(blinded, { archival: true });
    const revealing = full.variables.filter((v) => v.revealsArm);
    expect(revealing.length).toBeGreaterThan(0);
    const oids = new Set([...xml.matchAll(/ItemOID="IT\.([A-Z0-9_]+)"/g)].map((m) => m[1]));
    const leaked = revealing.filter((v) =>
      [...oids].some((o) => o === v.name.toUpperCase() || o.startsWith(`${v.name.toUpperCase()}_`)),
    );
    expect(leaked.map((v) => v.name)).toEqual([]);
    for (const v of revealing.filter((x) => x.item)) {
      expect({ item: v.item, found: xml.includes(` ${v.item as string}<`) }).toEqual({
        item: v.item,
        found: false,
      });
    }
    for (const v of blinded.variables.filter((x) => x.type === 'code' && !x.multiple)) {
      const allowed = new Set((v.codes ?? []).map((c) => String(c.code)));
      const re = new RegExp(
        `ItemOID="IT\\.${v.name.toUpperCase()}"(?: TransactionType="\\w+")? Value="([^"]*)"`,
        'g',
      );
      const bad = [...xml.matchAll(re)].map((m) => m[1]).filter((x) => !allowed.has(x));
      expect({ variable: v.name, bad }).toEqual({ variable: v.name, bad: [] });
      const list = xml.match(
        new RegExp(`<CodeList OID="CL\\.${v.name.toUpperCase()}"[^]*?</CodeList>`),
      );
      const listed = [...(list?.[0] ?? '').matchAll(/CodedValue="(\d+)"/g)].map((m) => m[1]);
      expect(listed.filter((c) => !allowed.has(c))).toEqual([]);
    }
    expect(xml).not.toContain('allocation.created');
    expect(xml).not.toContain('participant.registered');
  });
});
