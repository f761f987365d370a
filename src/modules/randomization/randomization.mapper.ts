import type { Actor } from 'src/common/context/request-context';
import type { AllocationResponseDto } from './dto/randomization.dto';
import type { AllocationRow } from './randomization.repository';

const ARM_LABELS: Record<string, string> = { A: 'aHSCT', B: 'Best available high-efficacy DMT' };

/** Who may see an allocation's number within its stratum: not site roles (it hints at the block). */
const SEE_SEQUENCE_NUMBER = ['statistician', 'monitor'];

/**
 * Block index and position stay server-side: the statistician's reports show them, not the lists.
 * The sequence number within the stratum goes to statisticians and monitors only.
 */
export function toAllocationResponse(a: AllocationRow, actor: Actor): AllocationResponseDto {
  return {
    participantId: a.participantId,
    studyId: a.studyId,
    siteId: a.siteId,
    siteLabel: a.siteLabel,
    stratumKey: a.stratumKey,
    ...(SEE_SEQUENCE_NUMBER.includes(actor.role) ? { sequenceNumber: a.sequenceNumber } : {}),
    arm: a.arm,
    armLabel: ARM_LABELS[a.arm] ?? a.arm,
    randomisedAt: new Date(a.randomisedAt).toISOString(),
    randomisedBy: a.randomisedBy,
    criteriaSetId: a.criteriaSetId,
    armBDrug: a.armBDrug,
    armBStartDate: a.armBStartDate,
    armBVersion: a.armBVersion,
    receivedAllocatedIntervention: a.received,
    notReceivedReason: a.notReceivedReason,
    discontinuation: a.discontinuation
      ? {
          ...a.discontinuation,
          recordedAt: new Date(a.discontinuation.recordedAt).toISOString(),
        }
      : null,
  };
}
