import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { siteScope } from 'src/common/context/site-scope';
import { type LatestRecord, ParticipantRecords } from 'src/kernel/record-history';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import type {
  MarkVerifiedDto,
  UndoVerificationDto,
  ParticipantVerificationDto,
  ProgressDto,
  RecordVerificationDto,
  SiteProgressDto,
} from './dto/verification.dto';
import { VerificationErrors } from './verification.errors';
import { type SdvMarkRow, VerificationRepository } from './verification.repository';

const iso = (d: Date | string) => new Date(d).toISOString();
export const percentOf = (verified: number, records: number) =>
  records === 0 ? 100 : Math.floor((verified * 100) / records);

const VISIT_ENTITIES = ['visit_log', 'visit_assessment'];

/**
 * Source-data verification (issue 18): the monitor marks the version of a record they checked
 * against the source; a later version clears the mark (VerificationHook). Progress per site and
 * participant counts the records (each correctable record kept in `record_versions`) whose
 * current version is verified.
 */
@Injectable()
export class VerificationService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly repo: VerificationRepository,
    private readonly records: ParticipantRecords,
  ) {}

  /** A participant's records, each with its verification. */
  async ofParticipant(id: string, actor: Actor): Promise<ParticipantVerificationDto> {
    const p = await this.repo.participant(id, siteScope(actor));
    if (!p) {
      throw VerificationErrors.participantNotFound();
    }
    const [latest, marks] = await Promise.all([
      this.records.ofParticipant(id),
      this.repo.marksOf(id),
    ]);
    const codes = await this.repo.visitCodes(
      latest.filter((r) => VISIT_ENTITIES.includes(r.entity)).map((r) => r.entityId),
    );
    const items = latest.map((r) => this.item(r, marks, codes));
    const verified = items.filter((i) => i.verified).length;
    return {
      participantId: p.id,
      studyId: p.studyId,
      records: items.length,
      verified,
      percent: percentOf(verified, items.length),
      items,
    };
  }

  /** Marks the version of a record the monitor checked as verified (again: the same answer). */
  async mark(id: string, dto: MarkVerifiedDto, actor: Actor): Promise<RecordVerificationDto> {
    const p = await this.repo.participant(id, siteScope(actor));
    if (!p) {
      throw VerificationErrors.participantNotFound();
    }
    await this.tx.run(async (uow) => {
      await this.repo.lockParticipant(id, uow.em);
      const latest = await this.records.latest(dto.entity, dto.entityId, uow.em);
      if (!latest || latest.participantId !== id) {
        throw VerificationErrors.recordNotFound();
      }
      if (latest.version !== dto.version) {
        throw VerificationErrors.staleVersion(latest.version, dto.version);
      }
      const current = await this.repo.currentMark(dto.entity, dto.entityId, uow.em);
      if (current?.version === dto.version) {
        return;
      }
      const at = this.clock.now();
      await this.repo.insertMark(
        {
          participantId: id,
          entity: dto.entity,
          entityId: dto.entityId,
          version: dto.version,
          by: actor.id as string,
          at,
        },
        uow.em,
      );
      uow.audit({
        action: 'verification.sdv_marked',
        entity: 'participant',
        entityId: id,
        after: { entity: dto.entity, entityId: dto.entityId, version: dto.version },
      });
    });
    return this.itemOf(id, dto.entity, dto.entityId, actor);
  }

  private async itemOf(
    id: string,
    entity: string,
    entityId: string,
    actor: Actor,
  ): Promise<RecordVerificationDto> {
    const all = await this.ofParticipant(id, actor);
    return all.items.find(
      (i) => i.entity === entity && i.entityId === entityId,
    ) as RecordVerificationDto;
  }

  /** Withdraws the monitor's mark of a record (marked by mistake), with a reason; audited. */
  async undo(id: string, dto: UndoVerificationDto, actor: Actor): Promise<RecordVerificationDto> {
    const p = await this.repo.participant(id, siteScope(actor));
    if (!p) {
      throw VerificationErrors.participantNotFound();
    }
    await this.tx.run(async (uow) => {
      await this.repo.lockParticipant(id, uow.em);
      const latest = await this.records.latest(dto.entity, dto.entityId, uow.em);
      if (!latest || latest.participantId !== id) {
        throw VerificationErrors.recordNotFound();
      }
      const undone = await this.repo.undoMark(
        dto.entity,
        dto.entityId,
        dto.reason,
        actor.id as string,
        this.clock.now(),
        uow.em,
      );
      if (!undone) {
        throw VerificationErrors.notVerified();
      }
      uow.audit({
        action: 'verification.sdv_undone',
        entity: 'participant',
        entityId: id,
        before: { entity: dto.entity, entityId: dto.entityId, version: undone.version },
        reason: dto.reason,
      });
    });
    return this.itemOf(id, dto.entity, dto.entityId, actor);
  }

  /** Progress of verification per site and per participant within the actor's sites. */
  async progress(actor: Actor): Promise<ProgressDto> {
    const participants = await this.repo.participants(siteScope(actor));
    const ids = participants.map((p) => p.id);
    const [records, marks] = await Promise.all([
      this.records.countsByParticipant(ids),
      this.repo.markCounts(ids),
    ]);
    const rows = participants
      .filter((p) => (records.get(p.id) ?? 0) > 0)
      .map((p) => {
        const n = records.get(p.id) ?? 0;
        const v = Math.min(marks.get(p.id) ?? 0, n);
        return {
          participantId: p.id,
          studyId: p.studyId,
          siteId: p.siteId,
          siteLabel: p.siteLabel,
          records: n,
          verified: v,
          percent: percentOf(v, n),
        };
      });
    const sites = new Map<string, SiteProgressDto>();
    for (const r of rows) {
      const s = sites.get(r.siteId) ?? {
        siteId: r.siteId,
        siteLabel: r.siteLabel,
        participants: 0,
        records: 0,
        verified: 0,
        percent: 0,
      };
      s.participants += 1;
      s.records += r.records;
      s.verified += r.verified;
      s.percent = percentOf(s.verified, s.records);
      sites.set(r.siteId, s);
    }
    const total = rows.reduce((a, r) => a + r.records, 0);
    const verified = rows.reduce((a, r) => a + r.verified, 0);
    return {
      sites: [...sites.values()],
      participants: rows,
      records: total,
      verified,
      percent: percentOf(verified, total),
    };
  }

  private item(
    r: LatestRecord,
    marks: readonly SdvMarkRow[],
    codes: ReadonlyMap<string, string>,
  ): RecordVerificationDto {
    const mine = marks.filter((m) => m.entity === r.entity && m.entityId === r.entityId);
    const current = mine.find((m) => m.clearedAt === null && m.version === r.version) ?? null;
    const last = mine.find((m) => m.clearedAt !== null) ?? null;
    return {
      entity: r.entity,
      entityId: r.entityId,
      detail: detailOf(r, codes),
      version: r.version,
      changedAt: iso(r.recordedAt),
      changedBy: r.actorName,
      verified: current !== null,
      verifiedBy: current?.verifiedByName ?? null,
      verifiedAt: current ? iso(current.verifiedAt) : null,
      cleared:
        current === null && last?.clearedAt
          ? {
              at: iso(last.clearedAt),
              byVersion: last.clearedByVersion,
              byName: last.clearedByName,
              undoReason: last.undoReason,
              fields: last.clearedFields ?? [],
              verifiedVersion: last.version,
            }
          : null,
    };
  }
}

/** What identifies a record to people, beside its kind. */
function detailOf(r: LatestRecord, codes: ReadonlyMap<string, string>): string | null {
  if (VISIT_ENTITIES.includes(r.entity)) {
    const date = typeof r.data.visitDate === 'string' ? ` (${r.data.visitDate})` : '';
    return `${codes.get(r.entityId) ?? ''}${date}`.trim() || null;
  }
  if (r.entity === 'adverse_event') {
    return typeof r.data.term === 'string' ? r.data.term : null;
  }
  if (r.entity.startsWith('transplant_phase:')) {
    return r.entity.slice('transplant_phase:'.length);
  }
  return null;
}
