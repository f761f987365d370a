import type { AllocationResponseDto } from './dto/randomization.dto';
import type { AllocationRow } from './randomization.repository';

const ARM_LABELS: Record<string, string> = { A: 'aHSCT', B: 'Best available high-efficacy DMT' };

/** Block index and position stay server-side: the statistician's reports show them, not the lists. */
export function toAllocationResponse(a: AllocationRow): AllocationResponseDto {
  return {
    participantId: a.participantId,
    studyId: a.studyId,
    siteId: a.siteId,
    siteLabel: a.siteLabel,
    stratumKey: a.stratumKey,
    sequenceNumber: a.sequenceNumber,
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
  };
}
