import { join } from 'node:path';
import type { RowUnit } from 'src/modules/exports/dictionary/dictionary.types';
import {
  type ColumnType,
  columnValue,
  datasetColumns,
  type DatasetOf,
  type ExportColumn,
} from 'src/modules/exports/formats/columns';
import {
  itemGroupOid,
  itemOid,
  metaDataVersionOid,
  STUDY_OID,
} from 'src/modules/exports/formats/oids';
import { openSink } from 'src/modules/exports/formats/file-sink';
import type {
  ExportAuditEntry,
  ExportContext,
  ExportedFile,
  ExportFormat,
  ExportRow,
  ExportSignature,
  ExportValue,
  ExportWriter,
  ParticipantExport,
} from 'src/modules/exports/formats/format.types';
import { attrs, el, text, textEl } from './xml';
import { plainDecimal } from '../plain-decimal';

export const ODM_FILE = 'ram-ms.odm.xml';
const ODM_NS = 'http://www.cdisc.org/ns/odm/v1.3';
const SYSTEM_USER = 'USR.SYSTEM';
const TRIAL_LOCATION = 'LOC.TRIAL';
const ELIGIBILITY_SIGNATURE = 'SD.ELIGIBILITY';

/**
 * The study events: the datasets' row units grouped into the trial's phases. Every visit of the
 * schedule (scheduled, unscheduled, arm-specific) is one repetition of SE.VISIT keyed by its
 * visit code (StudyEventRepeatKey), so the schedule needs no per-arm event list (which would
 * reveal the arm in a blinded file) and a visit added to the template needs no new metadata.
 */
type EventSpec = { oid: string; name: string; type: 'Scheduled' | 'Common'; repeating: boolean };
const EVENTS: readonly EventSpec[] = [
  {
    oid: 'SE.PARTICIPANT',
    name: 'Participant record: screening, eligibility, consent, allocation and outcome',
    type: 'Scheduled',
    repeating: false,
  },
  { oid: 'SE.TREATMENT', name: 'Treatment plan', type: 'Common', repeating: false },
  {
    oid: 'SE.VISIT',
    name: 'Follow-up visit (repeat key: the visit code)',
    type: 'Scheduled',
    repeating: true,
  },
  { oid: 'SE.AE', name: 'Adverse events', type: 'Common', repeating: false },
  { oid: 'SE.ENDPOINTS', name: 'Endpoints', type: 'Common', repeating: false },
];
const VISIT_KEY = 'visit_code';
const EVENT_OF_UNIT: Partial<Record<RowUnit, string>> = {
  phase: 'SE.TREATMENT',
  adverse_event: 'SE.AE',
  causality_assessment: 'SE.AE',
  endpoint_week: 'SE.ENDPOINTS',
};

const DATA_TYPE: Record<ColumnType, string> = {
  string: 'text',
  integer: 'integer',
  decimal: 'float',
  date: 'date',
  datetime: 'datetime',
  boolean: 'boolean',
  code: 'integer',
};

/** One dataset as an ODM form with one item group. */
type FormModel = {
  dataset: DatasetOf;
  oid: string;
  itemGroupOid: string;
  event: EventSpec;
  /** Every column but the study id (that is the SubjectKey). */
  columns: ExportColumn[];
  /** The keys that tell the form's rows apart within one event (ItemGroupRepeatKey). */
  repeatKeys: string[];
};

function formModels(ctx: ExportContext): FormModel[] {
  return ctx.dictionary.datasets.map((d) => {
    const byVisit = d.keys.includes(VISIT_KEY);
    const eventOid = byVisit ? 'SE.VISIT' : (EVENT_OF_UNIT[d.rowPer] ?? 'SE.PARTICIPANT');
    const event = EVENTS.find((e) => e.oid === eventOid) as EventSpec;
    return {
      dataset: d,
      oid: `FO.${d.name.toUpperCase()}`,
      itemGroupOid: itemGroupOid(d.name),
      event,
      columns: datasetColumns(ctx.dictionary, d, ctx.options).filter((c) => c.keySequence !== 1),
      repeatKeys: d.keys.slice(1).filter((k) => !(byVisit && k === VISIT_KEY)),
    };
  });
}

/** An ODM value: ISO dates as they are, numbers in plain decimal notation, booleans as words. */
function odmValue(column: ExportColumn, raw: ExportValue | undefined): string | null {
  const value = columnValue(column, raw);
  if (value === null) {
    return null;
  }
  return typeof value === 'number' ? plainDecimal(value) : String(value);
}

const mandatory = (yes: boolean) => (yes ? 'Yes' : 'No');
const translated = (value: string) =>
  `<TranslatedText xml:lang="en">${text(value)}</TranslatedText>`;

function metadata(ctx: ExportContext, forms: FormModel[], units: Map<string, string>): string {
  const events = EVENTS.filter((e) => forms.some((f) => f.event === e));
  const items = new Map<string, ExportColumn>();
  for (const f of forms) {
    for (const c of f.columns) {
      items.set(c.name, items.get(c.name) ?? c);
    }
  }
  const codeLists = [...items.values()].filter((c) => c.codes && c.codes.length > 0);
  const parts: string[] = [];
  parts.push(
    el(
      'Protocol',
      {},
      events
        .map((e, i) =>
          el('StudyEventRef', {
            StudyEventOID: e.oid,
            OrderNumber: i + 1,
            Mandatory: mandatory(e.oid === 'SE.PARTICIPANT'),
          }),
        )
        .join(''),
    ),
  );
  for (const e of events) {
    const refs = forms
      .filter((f) => f.event === e)
      .map((f, i) => el('FormRef', { FormOID: f.oid, OrderNumber: i + 1, Mandatory: 'No' }));
    parts.push(
      el(
        'StudyEventDef',
        { OID: e.oid, Name: e.name, Repeating: mandatory(e.repeating), Type: e.type },
        refs.join(''),
      ),
    );
  }
  for (const f of forms) {
    parts.push(
      el(
        'FormDef',
        { OID: f.oid, Name: f.dataset.label, Repeating: 'No' },
        el('ItemGroupRef', { ItemGroupOID: f.itemGroupOid, Mandatory: 'Yes' }),
      ),
    );
  }
  for (const f of forms) {
    const refs = f.columns.map((c, i) =>
      el('ItemRef', {
        ItemOID: itemOid(c.name),
        OrderNumber: i + 1,
        Mandatory: mandatory(c.keySequence !== null),
        KeySequence: c.keySequence !== null ? c.keySequence - 1 : null,
      }),
    );
    parts.push(
      el(
        'ItemGroupDef',
        {
          OID: f.itemGroupOid,
          Name: f.dataset.name,
          Repeating: mandatory(f.repeatKeys.length > 0),
          Purpose: 'Tabulation',
        },
        el('Description', {}, translated(f.dataset.label)) + refs.join(''),
      ),
    );
  }
  for (const c of items.values()) {
    const length = c.type === 'string' && c.maxLength ? c.maxLength : null;
    const unit = c.unit ? units.get(c.unit) : undefined;
    parts.push(
      el(
        'ItemDef',
        { OID: itemOid(c.name), Name: c.name, DataType: DATA_TYPE[c.type], Length: length },
        el('Question', {}, translated(c.label)) +
          (unit ? el('MeasurementUnitRef', { MeasurementUnitOID: unit }) : '') +
          (c.codes && c.codes.length > 0
            ? el('CodeListRef', { CodeListOID: `CL.${c.name.toUpperCase()}` })
            : ''),
      ),
    );
  }
  for (const c of codeLists) {
    parts.push(
      el(
        'CodeList',
        { OID: `CL.${c.name.toUpperCase()}`, Name: c.name, DataType: 'integer' },
        (c.codes ?? [])
          .map((code, i) =>
            el(
              'CodeListItem',
              { CodedValue: code.code, OrderNumber: i + 1 },
              el('Decode', {}, translated(code.label)),
            ),
          )
          .join(''),
      ),
    );
  }
  return parts.join('\n');
}

function studyXml(ctx: ExportContext, forms: FormModel[]): string {
  const units = new Map<string, string>();
  for (const f of forms) {
    for (const c of f.columns) {
      if (c.unit && !units.has(c.unit)) {
        units.set(c.unit, `MU.${units.size + 1}`);
      }
    }
  }
  const body = metadata(ctx, forms, units);
  const versions = ctx.admin.protocolVersions.length
    ? ctx.admin.protocolVersions
    : [{ version: 'current', label: 'Current protocol' }];
  const mdvs = versions.map((v) =>
    el(
      'MetaDataVersion',
      {
        OID: metaDataVersionOid(v.version),
        Name: v.label,
        Description:
          `Criteria-set (protocol) version ${v.version}; data dictionary ${ctx.dictionary.version}` +
          (ctx.dictionary.blinded ? ' (blinded)' : ''),
      },
      `\n${body}\n`,
    ),
  );
  return el(
    'Study',
    { OID: STUDY_OID },
    '\n' +
      el(
        'GlobalVariables',
        {},
        textEl('StudyName', 'RAM-MS') +
          textEl(
            'StudyDescription',
            'RAM-MS: randomised trial of autologous haematopoietic stem cell transplantation versus best available therapy in multiple sclerosis',
          ) +
          textEl('ProtocolName', 'RAM-MS'),
      ) +
      '\n' +
      el(
        'BasicDefinitions',
        {},
        [...units]
          .map(([unit, oid]) =>
            el('MeasurementUnit', { OID: oid, Name: unit }, el('Symbol', {}, translated(unit))),
          )
          .join(''),
      ) +
      '\n' +
      mdvs.join('\n') +
      '\n',
  );
}

const userOid = (id: string | null) => (id === null ? SYSTEM_USER : `USR.${id}`);
const locationOid = (code: string | null) => (code === null ? TRIAL_LOCATION : `LOC.${code}`);

function adminXml(ctx: ExportContext): string {
  const newest = ctx.admin.protocolVersions.at(-1)?.version ?? 'current';
  // In force at the snapshot (the admin data carries no effective dates of the versions).
  const ref = el('MetaDataVersionRef', {
    StudyOID: STUDY_OID,
    MetaDataVersionOID: metaDataVersionOid(newest),
    EffectiveDate: ctx.snapshotAt.slice(0, 10),
  });
  const users = [
    ...ctx.admin.users.map((u) =>
      el(
        'User',
        { OID: userOid(u.id), UserType: u.role === 'investigator' ? 'Investigator' : 'Other' },
        textEl('DisplayName', u.name),
      ),
    ),
    el('User', { OID: SYSTEM_USER, UserType: 'Other' }, textEl('DisplayName', 'RAM-MS system')),
  ];
  const locations = [
    ...ctx.admin.sites.map((s) =>
      el('Location', { OID: locationOid(s.code), Name: s.name, LocationType: 'Site' }, ref),
    ),
    el(
      'Location',
      { OID: TRIAL_LOCATION, Name: 'RAM-MS trial office', LocationType: 'Sponsor' },
      ref,
    ),
  ];
  const signatureDef = el(
    'SignatureDef',
    { OID: ELIGIBILITY_SIGNATURE, Methodology: 'Electronic' },
    textEl('Meaning', "Investigator's sign-off of the eligibility assessment") +
      textEl(
        'LegalReason',
        'Electronic signature (21 CFR Part 11, ICH E6 GCP): the investigator confirms that the participant meets the eligibility criteria as assessed',
      ),
  );
  return el(
    'AdminData',
    { StudyOID: STUDY_OID },
    `\n${[...users, ...locations, signatureDef].join('\n')}\n`,
  );
}

function auditRecordXml(entry: ExportAuditEntry, id: string | null): string {
  return el(
    'AuditRecord',
    { ID: id },
    el('UserRef', { UserOID: userOid(entry.userId) }) +
      el('LocationRef', { LocationOID: locationOid(entry.siteCode) }) +
      textEl('DateTimeStamp', entry.at) +
      (entry.reason ? textEl('ReasonForChange', entry.reason) : '') +
      textEl(
        'SourceID',
        `audit ${entry.seq}: ${entry.action}${entry.item ? ` ${entry.item}` : ''}`,
      ),
  );
}

function signatureXml(s: ExportSignature, siteCode: string, id: string | null): string {
  return el(
    'Signature',
    { ID: id },
    el('UserRef', { UserOID: userOid(s.userId) }) +
      el('LocationRef', { LocationOID: locationOid(siteCode) }) +
      el('SignatureRef', { SignatureOID: ELIGIBILITY_SIGNATURE }) +
      textEl('DateTimeStamp', s.at),
  );
}

/** A change of one value of the participant's one-row form, placed as a transaction. */
type LocatedChange = { entry: ExportAuditEntry; column: ExportColumn; before: string | null };

/**
 * CDISC ODM 1.3.2: one `ram-ms.odm.xml`. `Study` holds one MetaDataVersion per protocol version
 * (the data dictionary as forms, item groups, items and code lists; the visit schedule as study
 * events), `AdminData` the users, sites and the eligibility signature's meaning, then one
 * `ClinicalData` per participant, written as the participant arrives (memory holds one).
 *
 * Snapshot (default): FileType="Snapshot", the current values, the eligibility `Signature`s.
 * Archival: FileType="Transactional" with Archival="Yes" (the standard allows Archival only on
 * transactional files): each subject is inserted with the values as first recorded, every audited
 * change of a value of the participant's one-row form follows as an Update of that ItemData
 * (Insert when it was empty, Remove when emptied) carrying its AuditRecord, and every other audit
 * entry (record-level actions, changes inside repeated rows) is kept once in the ClinicalData's
 * AuditRecords. Blinded: only what the (blinded) dictionary holds is written; audit entries that
 * name no dictionary item are left out.
 */
export const odmFormat: ExportFormat = {
  id: 'odm',
  async open(ctx: ExportContext): Promise<ExportWriter> {
    const forms = formModels(ctx);
    const archival = ctx.options.archival;
    const versions = new Set(ctx.admin.protocolVersions.map((v) => v.version));
    const fallbackVersion = ctx.admin.protocolVersions.at(-1)?.version ?? 'current';
    const oneRow = forms.find((f) => f.dataset.keys.length === 1);
    const byItem = new Map(
      (oneRow?.columns ?? [])
        .filter((c) => c.variable.item !== null && c.name === c.variable.name)
        .map((c) => [c.variable.item as string, c]),
    );
    const known = new Set(ctx.dictionary.variables.flatMap((v) => (v.item ? [v.item] : [])));
    const sink = openSink(join(ctx.dir, ODM_FILE));
    let subjects = 0;
    let signatureIds = 0;

    await sink.write(
      `<?xml version="1.0" encoding="UTF-8"?>\n<ODM xmlns="${ODM_NS}"${attrs({
        ODMVersion: '1.3.2',
        FileType: archival ? 'Transactional' : 'Snapshot',
        Archival: archival ? 'Yes' : null,
        FileOID: ctx.exportId,
        CreationDateTime: ctx.snapshotAt,
        AsOfDateTime: ctx.snapshotAt,
        Originator: 'RAM-MS trial system',
        SourceSystem: 'RAM-MS',
        SourceSystemVersion: ctx.dictionary.version,
        Description: `RAM-MS data export (${ctx.dictionary.blinded ? 'blinded' : 'unblinded'}${
          archival ? ', archival with the full audit trail' : ''
        })`,
      })}>\n`,
    );
    await sink.write(`${studyXml(ctx, forms)}\n${adminXml(ctx)}\n`);

    /** Splits the audit trail: changes placed as transactions, the rest for AuditRecords. */
    function planAudit(p: ParticipantExport) {
      const located: LocatedChange[] = [];
      const rest: ExportAuditEntry[] = [];
      const first = new Map<string, string | null>();
      for (const entry of archival ? p.audit : []) {
        const column = entry.item ? byItem.get(entry.item) : undefined;
        if (ctx.options.blinded && !(entry.item && known.has(entry.item))) {
          continue;
        }
        const before = column ? odmValue(column, entry.before) : null;
        const after = column ? odmValue(column, entry.after) : null;
        const placeable =
          column &&
          (entry.dataset === null || entry.dataset === oneRow?.dataset.name) &&
          (before !== null || entry.before === null) &&
          (after !== null || entry.after === null) &&
          (before !== null || after !== null);
        if (column && placeable) {
          located.push({ entry, column, before });
          if (!first.has(column.name)) {
            first.set(column.name, before);
          }
        } else if (!(ctx.options.blinded && column)) {
          rest.push(entry);
        }
      }
      return { located, rest, first };
    }

    function itemGroupXml(
      f: FormModel,
      row: ExportRow,
      index: number,
      override: Map<string, string | null> | null,
      signature: string,
    ): string {
      const key = f.repeatKeys.map((k) => row[k]).filter((v) => v !== null && v !== undefined);
      const items = f.columns
        .map((c) => {
          const value = override?.has(c.name) ? override.get(c.name) : odmValue(c, row[c.name]);
          return value === null || value === undefined
            ? ''
            : el('ItemData', { ItemOID: itemOid(c.name), Value: value });
        })
        .join('');
      return el(
        'ItemGroupData',
        {
          ItemGroupOID: f.itemGroupOid,
          ItemGroupRepeatKey:
            f.repeatKeys.length === 0
              ? null
              : key.length === f.repeatKeys.length
                ? key.join('.')
                : `row${index + 1}`,
        },
        signature + items,
      );
    }

    return {
      async participant(p: ParticipantExport) {
        const { located, rest, first } = planAudit(p);
        const signatures = new Map<number, ExportSignature[]>();
        const inOrder = [...p.signatures].sort((a, b) => a.at.localeCompare(b.at));
        for (const s of inOrder) {
          signatures.set(s.eligSeq, [...(signatures.get(s.eligSeq) ?? []), s]);
        }
        const leftover: string[] = [];
        // event oid -> repeat key ('' when not repeating) -> form oid -> item groups
        const events = new Map<string, Map<string, Map<string, string[]>>>();
        for (const f of forms) {
          (p.rows[f.dataset.name] ?? []).forEach((row, i) => {
            const repeat = f.event.repeating ? String(row[VISIT_KEY] ?? 'unknown') : '';
            let signature = '';
            const eligSeq = row.elig_seq;
            if (f.dataset.keys.includes('elig_seq') && typeof eligSeq === 'number') {
              const [firstSig, ...others] = signatures.get(eligSeq) ?? [];
              if (firstSig) {
                signature = signatureXml(firstSig, p.siteCode, null);
                leftover.push(
                  ...others.map((s) => signatureXml(s, p.siteCode, `SG.${++signatureIds}`)),
                );
                signatures.delete(eligSeq);
              }
            }
            const byRepeat = events.get(f.event.oid) ?? new Map<string, Map<string, string[]>>();
            events.set(f.event.oid, byRepeat);
            const byForm = byRepeat.get(repeat) ?? new Map<string, string[]>();
            byRepeat.set(repeat, byForm);
            const groups = byForm.get(f.oid) ?? [];
            byForm.set(f.oid, groups);
            groups.push(itemGroupXml(f, row, i, f === oneRow ? first : null, signature));
          });
        }
        for (const sigs of signatures.values()) {
          leftover.push(...sigs.map((s) => signatureXml(s, p.siteCode, `SG.${++signatureIds}`)));
        }
        const eventXml = EVENTS.flatMap((e) =>
          [...(events.get(e.oid) ?? new Map<string, Map<string, string[]>>())].map(
            ([repeat, byForm]) =>
              el(
                'StudyEventData',
                { StudyEventOID: e.oid, StudyEventRepeatKey: e.repeating ? repeat : null },
                [...byForm]
                  .map(([formOid, groups]) => el('FormData', { FormOID: formOid }, groups.join('')))
                  .join(''),
              ),
          ),
        ).join('\n');
        const site = el('SiteRef', { LocationOID: locationOid(p.siteCode) });
        const subject = (type: string | null, inner: string) =>
          el('SubjectData', { SubjectKey: p.studyId, TransactionType: type }, site + inner);
        const parts = [subject(archival ? 'Insert' : null, `\n${eventXml}\n`)];
        for (const change of located) {
          const value = odmValue(change.column, change.entry.after);
          const item = el(
            'ItemData',
            {
              ItemOID: itemOid(change.column.name),
              TransactionType:
                change.before === null ? 'Insert' : value === null ? 'Remove' : 'Update',
              Value: value,
            },
            auditRecordXml(change.entry, null),
          );
          const f = oneRow as FormModel;
          parts.push(
            subject(
              'Update',
              el(
                'StudyEventData',
                { StudyEventOID: f.event.oid },
                el(
                  'FormData',
                  { FormOID: f.oid },
                  el('ItemGroupData', { ItemGroupOID: f.itemGroupOid }, item),
                ),
              ),
            ),
          );
        }
        if (rest.length > 0) {
          parts.push(
            el('AuditRecords', {}, rest.map((e) => auditRecordXml(e, `AR.${e.seq}`)).join('')),
          );
        }
        if (leftover.length > 0) {
          parts.push(el('Signatures', {}, leftover.join('')));
        }
        const version = versions.has(p.protocolVersion) ? p.protocolVersion : fallbackVersion;
        await sink.write(
          `${el(
            'ClinicalData',
            { StudyOID: STUDY_OID, MetaDataVersionOID: metaDataVersionOid(version) },
            `\n${parts.join('\n')}\n`,
          )}\n`,
        );
        subjects += 1;
      },
      async close(): Promise<ExportedFile[]> {
        await sink.write('</ODM>\n');
        await sink.end();
        return [{ name: ODM_FILE, rows: subjects }];
      },
    };
  },
};
