import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { siteScope } from 'src/common/context/site-scope';
import { ParticipantRecords } from 'src/kernel/record-history';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { SignaturesApi } from 'src/modules/access/signatures.api';
import { ParticipantsApi, TERMINAL_STATUSES } from 'src/modules/participants/participants.api';
import {
  type CasebookDto,
  type CasebookSignatureDto,
  DEFAULT_CASEBOOK_MEANING,
  type SignCasebookDto,
} from './dto/verification.dto';
import { VerificationErrors } from './verification.errors';
import {
  type ParticipantRow,
  type SignatureRow,
  VerificationRepository,
} from './verification.repository';

const iso = (d: Date | string) => new Date(d).toISOString();

/** Follow-up has ended: randomised, and in a state nothing leaves. */
const followUpEnded = (p: { status: string; randomised: boolean }) =>
  p.randomised && (TERMINAL_STATUSES as readonly string[]).includes(p.status);

const toSignature = (s: SignatureRow): CasebookSignatureDto => ({
  id: s.id,
  state: s.voidedAt ? 'voided' : 'signed',
  printedName: s.printedName,
  signerRole: s.signerRole,
  signedAt: iso(s.signedAt),
  meaning: s.meaning,
  signatureMethod: s.signatureMethod,
  participantStatus: s.participantStatus,
  records: s.records,
  voided: s.voidedAt
    ? {
        at: iso(s.voidedAt),
        entity: s.voidedByEntity as string,
        entityId: s.voidedByEntityId as string,
        version: s.voidedByVersion as number,
        byName: s.voidedByName,
        fields: s.voidFields ?? [],
      }
    : null,
});

/**
 * Casebook sign-off (issue 18): at the end of a participant's follow-up the investigator signs
 * the casebook electronically (21 CFR 11.50 manifest: printed name, time, meaning; 11.200: the
 * password again). Any later change of the participant's records voids the signature
 * (VerificationHook); the investigator may sign again.
 */
@Injectable()
export class CasebookService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly repo: VerificationRepository,
    private readonly records: ParticipantRecords,
    private readonly participants: ParticipantsApi,
    private readonly signatures: SignaturesApi,
  ) {}

  async get(id: string, actor: Actor): Promise<CasebookDto> {
    const p = await this.participant(id, actor);
    return this.view(p);
  }

  async sign(id: string, dto: SignCasebookDto, actor: Actor): Promise<CasebookDto> {
    const scope = siteScope(actor);
    const p = await this.participant(id, actor);
    const signerId = actor.id;
    const check = signerId
      ? await this.signatures.confirm(signerId, {
          password: dto.password,
          signingAssertion: dto.signingAssertion,
        })
      : ({ ok: false, outcome: 'wrong_password' } as const);
    if (!check.ok || !signerId) {
      const outcome = check.ok ? 'wrong_password' : check.outcome;
      await this.tx.run(async (uow) =>
        uow.audit({
          action: 'verification.casebook_signature_failed',
          entity: 'participant',
          entityId: id,
          after: { outcome },
        }),
      );
      throw outcome === 'assertion_invalid'
        ? VerificationErrors.signingAssertionInvalid()
        : VerificationErrors.wrongPassword();
    }
    const printedName = await this.signatures.printedName(signerId);
    const meaning = dto.meaning ?? DEFAULT_CASEBOOK_MEANING;
    await this.tx.run(async (uow) => {
      // The participant row first, then the verification lock (the order record changes take).
      const locked = await this.participants.lock(uow, id, scope);
      await this.repo.lockParticipant(id, uow.em);
      if (!followUpEnded({ status: locked.status, randomised: p.randomised })) {
        throw VerificationErrors.followUpNotEnded(locked.status);
      }
      const current = (await this.repo.signaturesOf(id, uow.em)).find((s) => !s.voidedAt);
      if (current) {
        throw VerificationErrors.alreadySigned(iso(current.signedAt));
      }
      const records = (await this.records.ofParticipant(id, uow.em)).length;
      const signedAt = this.clock.now();
      const signatureId = await this.repo.insertSignature(
        {
          participantId: id,
          signerId,
          printedName,
          signerRole: actor.role,
          meaning,
          signatureMethod: check.method,
          signedAt,
          participantStatus: locked.status,
          records,
        },
        uow.em,
      );
      uow.audit({
        action: 'verification.casebook_signed',
        entity: 'participant',
        entityId: id,
        after: {
          signatureId,
          signerId,
          printedName,
          signerRole: actor.role,
          signedAt,
          meaning,
          signatureMethod: check.method,
          participantStatus: locked.status,
          records,
        },
      });
    });
    return this.view(await this.participant(id, actor));
  }

  private async participant(id: string, actor: Actor): Promise<ParticipantRow> {
    const p = await this.repo.participant(id, siteScope(actor));
    if (!p) {
      throw VerificationErrors.participantNotFound();
    }
    return p;
  }

  private async view(p: ParticipantRow): Promise<CasebookDto> {
    const signatures = (await this.repo.signaturesOf(p.id)).map(toSignature);
    return {
      participantId: p.id,
      studyId: p.studyId,
      participantStatus: p.status,
      followUpEnded: followUpEnded(p),
      state: signatures.length === 0 ? 'unsigned' : signatures[0].state,
      defaultMeaning: DEFAULT_CASEBOOK_MEANING,
      signatures,
    };
  }
}
