import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { RequestContext } from 'src/common/context/request-context';
import {
  type RecordChange,
  type RecordChangeHook,
  RecordChangeHooks,
  type UnitOfWork,
} from 'src/kernel/unit-of-work';
import { VerificationRepository } from './verification.repository';

/**
 * What a change of a participant's record does to the monitor's and the investigator's work
 * (issue 18), in the change's transaction: a source-data verification mark of an earlier version
 * of the record is cleared, and the participant's casebook signature is voided; each audited with
 * the change (record, version, fields).
 */
@Injectable()
export class VerificationHook implements RecordChangeHook, OnModuleInit {
  constructor(
    private readonly hooks: RecordChangeHooks,
    private readonly repo: VerificationRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  async onRecordChanges(uow: UnitOfWork, changes: readonly RecordChange[]): Promise<void> {
    const by = RequestContext.actor().id;
    const at = this.clock.now();
    // Participants in one order, so that two transactions never wait on each other's locks.
    const participants = [...new Set(changes.map((c) => c.participantId))].sort();
    for (const participantId of participants) {
      await this.repo.lockParticipant(participantId, uow.em);
      for (const change of changes.filter((c) => c.participantId === participantId)) {
        const fields = (change.changes ?? []).map((c) => c.path);
        const record = { entity: change.entity, entityId: change.entityId };
        const cleared = await this.repo.clearMark(change, by, at, uow.em);
        if (cleared) {
          uow.audit({
            action: 'verification.sdv_cleared',
            entity: 'participant',
            entityId: participantId,
            before: { ...record, verifiedVersion: cleared.version },
            after: { ...record, version: change.version, fields, reason: change.reason ?? null },
          });
        }
        const voided = await this.repo.voidSignature(participantId, change, by, at, uow.em);
        if (voided) {
          uow.audit({
            action: 'verification.casebook_signature_voided',
            entity: 'participant',
            entityId: participantId,
            before: {
              signatureId: voided.id,
              printedName: voided.printedName,
              signedAt: voided.signedAt,
            },
            after: { ...record, version: change.version, fields, reason: change.reason ?? null },
          });
        }
      }
    }
  }
}
