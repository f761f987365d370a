import { Injectable } from '@nestjs/common';
import { AdverseEventsReader } from 'src/modules/follow-up/adverse-events.reader';
import { VisitsReader } from 'src/modules/follow-up/visits.reader';
import { ParticipantsReader } from 'src/modules/participants/participants.reader';
import { TransplantReader } from 'src/modules/scheduling/transplant.reader';

/**
 * Which participant an audit row is about. The audit trail has no participant column: a row's
 * entity id is the participant's id (its pathway, eligibility, screening, consent, allocation and
 * arm-B drug) or the id of one of its records (visits, protocol deviations, adverse events,
 * transplant bookings and their phases). Each table is read by its owning module's reader.
 */
@Injectable()
export class AuditParticipantLinks {
  constructor(
    private readonly participants: ParticipantsReader,
    private readonly visits: VisitsReader,
    private readonly adverseEvents: AdverseEventsReader,
    private readonly transplants: TransplantReader,
  ) {}

  /**
   * The entity ids of every row about the participant with this study id: its own id and its
   * records' ids; null when no participant has the study id.
   */
  async entityIdsOf(studyId: string): Promise<string[] | null> {
    const id = await this.participants.idOfStudyId(studyId);
    if (id === null) {
      return null;
    }
    const owned = await this.owners([id], []);
    return [id, ...owned.keys()];
  }

  /** The study id of the participant each of `entityIds` is about (ids about no participant are left out). */
  async studyIdsOf(entityIds: readonly string[]): Promise<Map<string, string>> {
    const ids = [...new Set(entityIds)];
    if (ids.length === 0) {
      return new Map();
    }
    const direct = await this.participants.studyIds(ids);
    const rest = ids.filter((id) => !direct.has(id));
    const owners = rest.length > 0 ? await this.owners([], rest) : new Map<string, string>();
    const ofOwners = await this.participants.studyIds([...new Set(owners.values())]);
    const out = new Map(direct);
    for (const [recordId, participantId] of owners) {
      const studyId = ofOwners.get(participantId);
      if (studyId) {
        out.set(recordId, studyId);
      }
    }
    return out;
  }

  /** Record id → participant id, of the records of `participantIds` or with one of `recordIds`. */
  private async owners(
    participantIds: readonly string[],
    recordIds: readonly string[],
  ): Promise<Map<string, string>> {
    const maps = [
      await this.visits.recordOwners(participantIds, recordIds),
      await this.adverseEvents.recordOwners(participantIds, recordIds),
      await this.transplants.bookingsOf(participantIds, recordIds),
    ];
    return new Map(maps.flatMap((m) => [...m]));
  }
}
