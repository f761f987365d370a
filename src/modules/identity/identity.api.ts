import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IdentityService } from './identity.service';
import type { IdentityRecord } from './identity.types';
import type { MatchKind } from './match-keys';

export type { MatchKind } from './match-keys';

/**
 * Public API of the identity vault for other modules: yes/no answers derived from identity,
 * never the identity itself, never another person's data or site.
 */
@Injectable()
export class IdentityApi {
  constructor(private readonly identity: IdentityService) {}

  /**
   * Whether `date` (YYYY-MM-DD) is on or after the participant's birth date ("not before birth"),
   * without exposing the birth date and without recording a human read of identity.
   * IDENTITY_NOT_FOUND (404) when no identity is stored.
   */
  bornOnOrBefore(participantId: string, date: string, em?: EntityManager): Promise<boolean> {
    return this.identity.bornOnOrBefore(participantId, date, em);
  }

  /**
   * The kinds (`national_id`, `name_birth_date`) on which another participant, at any site,
   * matches this identity (keyed hashes of the normalised values); empty when none does.
   */
  likelyDuplicates(
    record: IdentityRecord,
    excludeParticipantId: string | null = null,
    em?: EntityManager,
  ): Promise<MatchKind[]> {
    return this.identity.likelyDuplicates(record, excludeParticipantId, em);
  }
}
