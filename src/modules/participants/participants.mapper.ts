import { fhirStatusOf, nextTransitions } from './participant-status';
import type { ParticipantEntity, SampleDestruction, StatusHistoryRow } from './participant.entity';
import type {
  ParticipantResponseDto,
  SampleDestructionDto,
  StatusHistoryDto,
} from './dto/participant.dto';

const iso = (d: Date | string) => new Date(d).toISOString();

function toSampleDestruction(d: SampleDestruction): SampleDestructionDto {
  return {
    id: d.id,
    requestedAt: iso(d.requestedAt),
    requestedBy: d.requestedBy,
    confirmedAt: d.confirmedAt ? iso(d.confirmedAt) : null,
    confirmedBy: d.confirmedBy,
    confirmationNote: d.confirmationNote,
    open: d.confirmedAt === null,
  };
}

export function toParticipantResponse(
  p: ParticipantEntity,
  detail = false,
): ParticipantResponseDto {
  return {
    id: p.id,
    studyId: p.studyId,
    siteId: p.siteId,
    siteLabel: `${p.countryCode}-${p.siteCode}`,
    status: p.status,
    fhirStatus: fhirStatusOf(p.status, p.withdrawnFrom),
    statusChangedAt: iso(p.statusChangedAt),
    registeredAt: p.registeredAt ? iso(p.registeredAt) : null,
    createdAt: iso(p.createdAt),
    version: p.version,
    screeningEpisode: p.currentEpisode,
    nextSteps: nextTransitions(p.status, 'step').map((t) => t.to),
    withdrawal:
      p.withdrawnAt && p.withdrawnFrom
        ? {
            withdrawnAt: iso(p.withdrawnAt),
            withdrawnFrom: p.withdrawnFrom,
            reason: p.withdrawalReason,
            initiatedBy: p.withdrawalInitiatedBy ?? 'participant',
          }
        : null,
    sampleDestruction: p.sampleDestruction ? toSampleDestruction(p.sampleDestruction) : null,
    screenFailure:
      p.status === 'screen_failed' || p.withdrawnFrom === 'screen_failed'
        ? p.screenFailureReason && p.screenFailureStage && p.screenFailureDate && p.screenFailedAt
          ? {
              reason: p.screenFailureReason,
              stage: p.screenFailureStage,
              detail: p.screenFailureDetail ?? '',
              date: p.screenFailureDate,
              recordedAt: iso(p.screenFailedAt),
            }
          : null
        : null,
    ...(detail ? { preScreening: (p.preScreening as Record<string, unknown> | null) ?? null } : {}),
  };
}

export function toHistoryResponse(h: StatusHistoryRow): StatusHistoryDto {
  return {
    from: h.fromStatus,
    to: h.toStatus,
    kind: h.kind,
    at: iso(h.occurredAt),
    actorId: h.actorId,
    actorRole: h.actorRole,
    reason: h.reason,
    date: h.occurredOn,
    details: h.details,
    undoneAt: h.undoneAt ? iso(h.undoneAt) : null,
    undoneBy: h.undoneBy,
    undoReason: h.undoReason,
  };
}
