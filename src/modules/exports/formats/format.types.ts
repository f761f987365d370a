import type { Dictionary } from '../dictionary/dictionary.types';

/**
 * The contract between the export's row source and its format writers (issue 17). The source
 * reads one consistent snapshot and hands the writers one participant at a time, in study-id
 * order, already flattened into the dictionary's datasets: writers never read the database, and
 * memory holds one participant (or one page of them), never the trial.
 */

/**
 * One value of a variable. Dates are 'YYYY-MM-DD' (or, with `datesAs: 'days'`, the integer days
 * since randomisation), datetimes ISO 8601 in UTC ('2026-01-02T03:04:05.000Z'), booleans
 * true/false, codes the numeric code of the dictionary's code list (a multiple-choice variable is
 * already expanded to one 0/1 column per code, `<name>_<code>`), null when nothing is recorded.
 */
export type ExportValue = string | number | boolean | null;

/** One row of a dataset, by variable name (key variables included). */
export type ExportRow = Record<string, ExportValue>;

/** One audited change of a participant's records (ODM AuditRecord; archival exports). */
export type ExportAuditEntry = {
  /** The audit row's sequence number (unique, increasing). */
  seq: number;
  at: string;
  /** The acting user's id (AdminData User OID) or null for the system. */
  userId: string | null;
  siteCode: string | null;
  action: string;
  /** The registry item changed (`visit_log.edssScore`), when the change names one. */
  item: string | null;
  dataset: string | null;
  before: ExportValue;
  after: ExportValue;
  reason: string | null;
};

/** An investigator's signature over an eligibility assessment (ODM Signature). */
export type ExportSignature = {
  eligSeq: number;
  userId: string;
  at: string;
  meaning: string;
};

/** Everything exported about one participant. */
export type ParticipantExport = {
  studyId: string;
  siteCode: string;
  /** The criteria-set (protocol) version the participant was screened under. */
  protocolVersion: string;
  /** Rows per dataset name (every dataset of the dictionary is present, maybe empty). */
  rows: Record<string, ExportRow[]>;
  /** The audit trail of the participant's records, oldest first (archival exports only, else []). */
  audit: ExportAuditEntry[];
  signatures: ExportSignature[];
};

/** Users and sites (ODM AdminData). Names only, never identity data of participants. */
export type ExportAdmin = {
  users: { id: string; name: string; role: string }[];
  sites: { code: string; name: string }[];
  /** Protocol versions in force, oldest first (one ODM MetaDataVersion each). */
  protocolVersions: { version: string; label: string }[];
};

export type ExportOptions = {
  blinded: boolean;
  /** Calendar dates, or days since randomisation (for sharing beyond the trial team). */
  datesAs: 'calendar' | 'days';
  /** ODM only: Archival="Yes" with the full audit trail. */
  archival: boolean;
  /**
   * An export of a confirmed data cut (src/modules/data-locks): only the data as of its cut-off
   * (see ExportRowSource), stamped with the cut-off instead of the data's last change.
   */
  dataCut?: { id: string; name: string; cutoffAt: string };
};

export type ExportContext = {
  dictionary: Dictionary;
  options: ExportOptions;
  /** The snapshot's time, ISO 8601 UTC: every creation timestamp in the output is this. */
  snapshotAt: string;
  /** A stable id of the export (file OIDs, ODM FileOID). */
  exportId: string;
  /** The folder to write files into (exists, empty). */
  dir: string;
  admin: ExportAdmin;
};

/** A file a writer produced (relative to the export's folder). */
export type ExportedFile = { name: string; rows: number };

/**
 * A format: opened once, fed every participant in study-id order, then closed. Output must be
 * deterministic: the same snapshot gives byte-identical files.
 */
export interface ExportWriter {
  participant(p: ParticipantExport): Promise<void>;
  close(): Promise<ExportedFile[]>;
}

export type ExportFormat = {
  id: 'csv' | 'odm' | 'dataset-json';
  open(ctx: ExportContext): Promise<ExportWriter>;
};
