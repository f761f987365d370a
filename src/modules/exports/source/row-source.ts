import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { codeValues } from 'src/common/fields/registry';
import { APP_CONFIG, type AppConfig } from 'src/config/app-config';
import { RecordHistory } from 'src/kernel/record-history';
import { UsersReader } from 'src/modules/access/users.reader';
import { AuditReader } from 'src/modules/audit/audit.reader';
import { EligibilityReader } from 'src/modules/eligibility/eligibility.reader';
import { AdverseEventsReader } from 'src/modules/follow-up/adverse-events.reader';
import { EndpointsReader } from 'src/modules/follow-up/endpoints.reader';
import { VisitsReader } from 'src/modules/follow-up/visits.reader';
import { ParticipantsReader } from 'src/modules/participants/participants.reader';
import { AllocationsReader } from 'src/modules/randomization/allocations.reader';
import { TransplantReader } from 'src/modules/scheduling/transplant.reader';
import { SitesReader } from 'src/modules/sites/sites.reader';
import type { Dictionary } from '../dictionary/dictionary.types';
import type { ExportAdmin, ExportOptions, ParticipantExport } from '../formats/format.types';
import { type ParticipantRecords, flattenParticipant } from './flatten';

/**
 * The audited entities whose changes change an export's content (not sign-ins, identity reads or
 * the exports themselves, which change nothing exported).
 */
const DATA_ENTITIES = [
  'participant',
  'visit',
  'adverse_event',
  'protocol_deviation',
  'site',
  'arm_b_drug',
  'transplant_booking',
  ...codeValues('transplant_phase.phase').map((phase) => `transplant_phase:${phase}`),
];

/**
 * The data as of a data cut, in one place: of the participants with a record first recorded on
 * or before the cut-off (the others are left out by the walk), only the visit logs and adverse
 * events first recorded by then, and a logged visit's blinded assessment (EDSS, MRI) only if it
 * was too. Records recorded by then are frozen by the confirmed cut (changed only through an
 * audited unfreeze), so exporting the cut again gives the same bytes while later data flows.
 */
function asOfCut(
  recorded: ReadonlySet<string>,
  visits: Map<string, object[]>,
  adverseEvents: Map<string, { id: string }[]>,
): void {
  for (const [participantId, list] of visits) {
    visits.set(
      participantId,
      list
        .filter((v) => recorded.has(`visit_log:${(v as { id: string }).id}`))
        .map((v) =>
          recorded.has(`visit_assessment:${(v as { id: string }).id}`)
            ? v
            : { ...v, edss: null, mri: null },
        ),
    );
  }
  for (const [participantId, list] of adverseEvents) {
    adverseEvents.set(
      participantId,
      list.filter((ae) => recorded.has(`adverse_event:${ae.id}`)),
    );
  }
}

/** Participants read per page (keyset pagination in study-id order). */
export const EXPORT_PAGE_SIZE = 200;

export type SnapshotScope = {
  /** Site ids, or null for every site. */
  sites: readonly string[] | null;
};

/** What the snapshot offers the export while its transaction is open. */
export type Snapshot = {
  /** The transaction's now(), ISO 8601 UTC: when the snapshot was read. */
  snapshotAt: string;
  /**
   * The time of the last audited change of the exported records (the transaction's now() when
   * there is none): the same data gives the same time, so the files' creation timestamps, set
   * to it, keep the output byte-identical.
   */
  dataAsOf: string;
  /** Participants the export will go through. */
  total: number;
  admin: ExportAdmin;
  /** Every participant in study-id order, one page in memory at a time. */
  participants(): AsyncGenerator<ParticipantExport>;
};

/**
 * The export's row source: one REPEATABLE READ transaction on the primary (the application's
 * DataSource; never a replica, where a long snapshot is cancelled by recovery conflicts), with
 * the export's own statement timeout. Each table is read by its owning module's reader through
 * the transaction's EntityManager; this class only pages and flattens.
 */
@Injectable()
export class ExportRowSource {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly participants: ParticipantsReader,
    private readonly eligibility: EligibilityReader,
    private readonly allocations: AllocationsReader,
    private readonly visits: VisitsReader,
    private readonly adverseEvents: AdverseEventsReader,
    private readonly transplants: TransplantReader,
    private readonly endpoints: EndpointsReader,
    private readonly audit: AuditReader,
    private readonly users: UsersReader,
    private readonly sites: SitesReader,
    private readonly history: RecordHistory,
  ) {}

  /** Runs `work` over one consistent snapshot; the transaction ends (read-only) when it returns. */
  read<T>(
    scope: SnapshotScope,
    dictionary: Dictionary,
    options: ExportOptions,
    work: (snapshot: Snapshot) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      // An integer from validated configuration: SET takes no bind parameters.
      await em.query(
        `SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${Math.trunc(this.config.EXPORT_STATEMENT_TIMEOUT_MS)}`,
      );
      // The first query fixes the snapshot; now() is the transaction's start.
      const [{ now }] = (await em.query(`SELECT now() AS now`)) as { now: Date }[];
      const total = await this.participants.exportCount(em, scope.sites);
      const admin = await this.admin(em);
      const snapshotAt = new Date(now).toISOString();
      // A data cut is stamped with its cut-off: later changes elsewhere leave its bytes as they are.
      const dataAsOf =
        options.dataCut?.cutoffAt ??
        (await this.audit.lastChangeAt(em, DATA_ENTITIES)) ??
        snapshotAt;
      const snapshot: Snapshot = {
        snapshotAt,
        dataAsOf,
        total,
        admin,
        participants: () => this.walk(em, scope, dictionary, options, new Date(now)),
      };
      return work(snapshot);
    });
  }

  private async admin(em: EntityManager): Promise<ExportAdmin> {
    const users = await this.users.directory(em);
    const sites = await this.sites.all();
    const versions = await this.eligibility.protocolVersions(em);
    return {
      users,
      sites: sites
        .map((s) => ({ code: `${s.countryCode}-${s.code}`, name: s.name }))
        .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
      protocolVersions: versions.length > 0 ? versions : [{ version: '1', label: 'Protocol 1' }],
    };
  }

  private async *walk(
    em: EntityManager,
    scope: SnapshotScope,
    dictionary: Dictionary,
    options: ExportOptions,
    asOf: Date,
  ): AsyncGenerator<ParticipantExport> {
    let after: string | null = null;
    for (;;) {
      const page = await this.participants.exportPage(em, scope.sites, after, EXPORT_PAGE_SIZE);
      if (page.length === 0) {
        return;
      }
      after = page[page.length - 1].studyId;
      const cut = options.dataCut
        ? await this.history.recordedBy(
            page.map((p) => p.id),
            new Date(options.dataCut.cutoffAt),
            em,
          )
        : null;
      const members = cut ? page.filter((p) => cut.participants.has(p.id)) : page;
      if (members.length === 0) {
        continue;
      }
      const ids = members.map((p) => p.id);
      // One connection: the reads run one after the other.
      const eligibility = await this.eligibility.forExport(em, ids);
      // A blinded export never reads the allocation: nothing of it could be shown.
      const allocations = options.blinded
        ? new Map<string, object>()
        : await this.allocations.forExport(em, ids);
      const visits = await this.visits.forExport(em, ids, options.blinded);
      // Adverse events and the transplant plan reveal the arm as a whole: never read when blinded.
      const adverseEvents = options.blinded
        ? new Map<string, { id: string }[]>()
        : await this.adverseEvents.forExport(em, ids, asOf);
      const transplants = options.blinded
        ? new Map<string, object>()
        : await this.transplants.forExport(em, ids);
      // NEDA-3 per endpoint week, computed for this page only.
      const endpoints = await this.endpoints.forExport(em, ids);
      if (cut) {
        asOfCut(cut.records, visits, adverseEvents);
      }
      const audit = await this.auditOf(em, options, members, [
        ...[...eligibility].flatMap(([id, e]) =>
          [...e.episodes, ...e.assessments].map((r) => [r.id, id] as const),
        ),
        ...[...visits].flatMap(([id, list]) => list.map((v) => [v.id, id] as const)),
        ...[...adverseEvents].flatMap(([id, list]) => list.map((ae) => [ae.id, id] as const)),
      ]);
      for (const p of members) {
        const elig = eligibility.get(p.id);
        const current = elig?.episodes[elig.episodes.length - 1];
        const records: ParticipantRecords = {
          studyId: p.studyId,
          siteCode: `${p.countryCode}-${p.siteCode}`,
          countryCode: p.countryCode,
          siteTimeZone: p.siteTimeZone,
          participant: p.record,
          screening: current?.data ?? null,
          consents: (elig?.episodes ?? []).flatMap((e) => (e.consent ? [e.consent] : [])),
          assessments: elig?.assessments ?? [],
          allocation: allocations.get(p.id) ?? null,
          visits: visits.get(p.id) ?? [],
          adverseEvents: adverseEvents.get(p.id) ?? [],
          transplant: transplants.get(p.id) ?? null,
          outcome: p.outcome,
          endpoints: endpoints.get(p.id) ?? [],
          audit: audit.get(p.id) ?? [],
        };
        yield flattenParticipant(records, dictionary, options);
      }
    }
  }

  /**
   * The audit rows of each participant's records (archival, unblinded exports only): rows whose
   * entity id is the participant's id (its pathway, allocation, arm-B drug and intervention
   * changes) or the id of one of its records (`owned`: screening episodes, assessments, visits,
   * adverse events), or of one of its transplant bookings (the booking and its recorded phases).
   */
  private async auditOf(
    em: EntityManager,
    options: ExportOptions,
    page: { id: string }[],
    owned: (readonly [recordId: string, participantId: string])[],
  ): Promise<Map<string, ParticipantRecords['audit']>> {
    const out = new Map<string, ParticipantRecords['audit']>();
    if (!options.archival || options.blinded) {
      return out;
    }
    const ids = page.map((p) => p.id);
    const owner = new Map<string, string>([
      ...ids.map((id) => [id, id] as const),
      ...owned,
      ...(await this.transplants.bookingOwners(em, ids)),
    ]);
    for (const row of await this.audit.ofEntities(em, [...owner.keys()])) {
      const participantId = owner.get(row.entityId);
      if (participantId) {
        const list = out.get(participantId) ?? [];
        list.push(row);
        out.set(participantId, list);
      }
    }
    return out;
  }
}
