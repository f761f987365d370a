import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ValidateDate,
  ValidateEnum,
  ValidateMatches,
  ValidateText,
  ValidateUuid,
} from 'src/common/validation/validators';
import type {
  DataCutRow,
  LockRequestRow,
  TrialLockRow,
  UnfreezeRow,
} from '../data-locks.repository';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

export class DeclareDataCutDto {
  @ValidateText(200, { description: 'e.g. "Week 96 primary analysis"' })
  name: string;

  @ValidateDate({
    description: 'The cut-off date: data recorded up to the end of this day is in the cut',
  })
  cutoffDate: string;
}

export class UnfreezeDto {
  @ValidateMatches(/^[a-z][a-z0-9_:-]{0,79}$/, 'must be a record kind such as visit_log', {
    description: 'The kind of record, as its history names it (e.g. `visit_log`, `adverse_event`)',
  })
  entity: string;

  @ValidateUuid({ description: 'The record' })
  entityId: string;

  @ValidateText(1000, { description: 'Why the frozen record must change' })
  reason: string;
}

export class LockRequestDto {
  @ValidateEnum(['lock', 'unlock'] as const, { description: 'Lock the trial, or unlock it' })
  action: 'lock' | 'unlock';

  @ValidateText(1000, { description: 'Why' })
  reason: string;
}

export class DataCutFileDto {
  @ApiProperty() name: string;
  @ApiProperty({ description: 'SHA-256 of the file, hex' }) sha256: string;
}

export class DataCutDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date' }) cutoffDate: string;
  @ApiProperty({
    format: 'date-time',
    description: 'The end of the cut-off date at the site whose day ends last',
  })
  cutoffAt: string;
  @ApiProperty({ description: 'The zone of that site' }) timeZone: string;
  @ApiProperty({ enum: ['declared', 'confirmed'] }) status: string;
  @ApiProperty({ nullable: true, type: String }) declaredBy: string | null;
  @ApiProperty({ format: 'date-time' }) declaredAt: string;
  @ApiProperty({ nullable: true, type: String }) confirmedBy: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) confirmedAt: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: "The cut's reference export (its first), whose files' SHA-256 are kept",
  })
  exportId: string | null;
  @ApiProperty({ type: [DataCutFileDto], nullable: true }) exportFiles: DataCutFileDto[] | null;
}

export const toDataCutDto = (c: DataCutRow): DataCutDto => ({
  id: c.id,
  name: c.name,
  cutoffDate: c.cutoffDate,
  cutoffAt: new Date(c.cutoffAt).toISOString(),
  timeZone: c.timeZone,
  status: c.status,
  declaredBy: c.declaredByName,
  declaredAt: new Date(c.declaredAt).toISOString(),
  confirmedBy: c.confirmedByName,
  confirmedAt: iso(c.confirmedAt),
  exportId: c.exportId,
  exportFiles: c.exportFiles,
});

export class UnfreezeResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() entity: string;
  @ApiProperty({ format: 'uuid' }) entityId: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty() reason: string;
  @ApiProperty({ nullable: true, type: String }) unfrozenBy: string | null;
  @ApiProperty({ format: 'date-time' }) unfrozenAt: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When the change it allowed was made (then the record is frozen again)',
  })
  usedAt: string | null;
}

export const toUnfreezeDto = (u: UnfreezeRow): UnfreezeResponseDto => ({
  id: u.id,
  entity: u.entity,
  entityId: u.entityId,
  participantId: u.participantId,
  reason: u.reason,
  unfrozenBy: u.unfrozenByName,
  unfrozenAt: new Date(u.unfrozenAt).toISOString(),
  usedAt: iso(u.usedAt),
});

export class LockRequestResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['lock', 'unlock'] }) action: string;
  @ApiProperty() reason: string;
  @ApiProperty({ nullable: true, type: String }) requestedBy: string | null;
  @ApiProperty() requestedRole: string;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ enum: ['pending', 'approved', 'superseded'] }) status: string;
  @ApiProperty({ nullable: true, type: String }) approvedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) approvedRole: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) approvedAt: string | null;
}

export const toLockRequestDto = (r: LockRequestRow): LockRequestResponseDto => ({
  id: r.id,
  action: r.action,
  reason: r.reason,
  requestedBy: r.requestedByName,
  requestedRole: r.requestedRole,
  requestedAt: new Date(r.requestedAt).toISOString(),
  status: r.status,
  approvedBy: r.approvedByName,
  approvedRole: r.approvedRole,
  approvedAt: iso(r.approvedAt),
});

export class TrialLockDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) lockedAt: string;
  @ApiProperty() reason: string;
  @ApiProperty({ nullable: true, type: String }) requestedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) approvedBy: string | null;
}

export class TrialLockStateDto {
  @ApiPropertyOptional({ type: TrialLockDto, nullable: true, description: 'The lock in force' })
  lock: TrialLockDto | null;
  @ApiProperty({ type: [LockRequestResponseDto], description: 'Recent requests, newest first' })
  requests: LockRequestResponseDto[];
}

export const toTrialLockDto = (l: TrialLockRow): TrialLockDto => ({
  id: l.id,
  lockedAt: new Date(l.lockedAt).toISOString(),
  reason: l.reason,
  requestedBy: l.requestedByName,
  approvedBy: l.approvedByName,
});
