import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize } from 'class-validator';
import { ValidateBoolean, ValidateEnum, ValidateUuid } from 'src/common/validation/validators';
import { EXPORT_FORMAT_IDS, type ExportRecord } from '../exports.repository';

export class ExportRequestDto {
  @ValidateEnum(EXPORT_FORMAT_IDS, { description: 'The file format' })
  format: (typeof EXPORT_FORMAT_IDS)[number];

  @ValidateBoolean({
    optional: true,
    description: 'Leave out everything that reveals the arm (always so for blinded roles)',
  })
  blinded?: boolean;

  @ValidateEnum(['calendar', 'days'] as const, {
    optional: true,
    description: 'Calendar dates, or days since randomisation (for sharing beyond the trial team)',
  })
  datesAs?: 'calendar' | 'days';

  @ValidateBoolean({
    optional: true,
    description: 'ODM only: the archival form with the full audit trail',
  })
  archival?: boolean;

  @ArrayMaxSize(500)
  @ValidateUuid({
    optional: true,
    each: true,
    description: 'Only these sites (each must be in your scope); default: your whole scope',
  })
  siteIds?: string[];

  @ValidateUuid({
    optional: true,
    description:
      'Export a confirmed data cut: the data as of its cut-off, every site (the statistician and monitors only)',
  })
  dataCutId?: string;
}

export class ExportDataCutDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date-time' }) cutoffAt: string;
}

export class ExportOptionsDto {
  @ApiProperty() blinded: boolean;
  @ApiProperty({ enum: ['calendar', 'days'] }) datesAs: string;
  @ApiProperty() archival: boolean;
  @ApiPropertyOptional({ type: ExportDataCutDto, description: 'The data cut exported, if any' })
  dataCut?: ExportDataCutDto;
}

export class ExportFileDto {
  @ApiProperty({ example: 'participants.csv' }) name: string;
  @ApiProperty({ description: 'Data rows in the file' }) rows: number;
  @ApiProperty() bytes: number;
  @ApiProperty({ description: 'SHA-256 of the file, hex' }) sha256: string;
}

export class ExportDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) requestedBy: string;
  @ApiProperty({ description: 'The role the export was asked for in' }) role: string;
  @ApiProperty({ enum: EXPORT_FORMAT_IDS }) format: string;
  @ApiProperty({ type: ExportOptionsDto }) options: ExportOptionsDto;
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'Site ids exported; null for every site',
  })
  scope: string[] | null;
  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'] }) status: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress: number;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'The time of the snapshot read (every creation timestamp in the files)',
  })
  snapshotAt: string | null;
  @ApiProperty({ type: [ExportFileDto] }) files: ExportFileDto[];
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt: string | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const toExportDto = (e: ExportRecord): ExportDto => ({
  id: e.id,
  requestedBy: e.requestedBy,
  role: e.role,
  format: e.format,
  options: e.options,
  scope: e.scope,
  status: e.status,
  progress: e.progress,
  snapshotAt: iso(e.snapshotAt),
  files: e.files,
  error: e.error,
  createdAt: new Date(e.createdAt).toISOString(),
  finishedAt: iso(e.finishedAt),
});
