import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DataSource, EntityManager } from 'typeorm';
import { type FieldChange, mergeChanges } from 'src/common/corrections/corrections';

export class FieldChangeDto {
  @ApiProperty({
    description:
      'The field, e.g. `samples[bloods].taken` or `relapseAssessment.relapses[<id>].onsetDate`',
  })
  path: string;
  @ApiProperty({
    description: 'Its value before (null = empty)',
    nullable: true,
    type: 'object',
    additionalProperties: true,
  })
  before: unknown;
  @ApiProperty({
    description: 'Its value after (null = cleared)',
    nullable: true,
    type: 'object',
    additionalProperties: true,
  })
  after: unknown;
}

/** One kept version of a correctable record. */
export class RecordVersionDto {
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Who made this version (null: recorded before versions were kept)',
  })
  actorName: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) actorRole: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The reason given for the correction',
  })
  reason: string | null;
  @ApiProperty({
    type: [FieldChangeDto],
    description: 'Exactly the fields that differ from the previous version',
  })
  changes: FieldChangeDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The values at this version',
  })
  data: Record<string, unknown>;
}

type Row = {
  version: number;
  recordedAt: Date;
  actorName: string | null;
  actorRole: string | null;
  reason: string | null;
  changes: FieldChange[];
  data: Record<string, unknown>;
};

/**
 * Reads the kept versions of correctable records (`record_versions`, written by the unit of
 * work). Callers check access to the record first; this reads by entity and id only.
 */
@Injectable()
export class RecordHistory {
  constructor(private readonly dataSource: DataSource) {}

  /** Every kept version, newest first. */
  async list(entity: string, entityId: string, em?: EntityManager): Promise<RecordVersionDto[]> {
    const rows: Row[] = await (em ?? this.dataSource.manager).query(
      `SELECT rv.version, rv.recorded_at AS "recordedAt", u.display_name AS "actorName", rv.actor_role AS "actorRole",
              rv.reason, rv.changes, rv.data
       FROM record_versions rv LEFT JOIN user_directory u ON u.id = rv.actor_id
       WHERE rv.entity = $1 AND rv.entity_id = $2 ORDER BY rv.version DESC`,
      [entity, entityId],
    );
    return rows.map((r) => ({ ...r, recordedAt: new Date(r.recordedAt).toISOString() }));
  }

  /**
   * The record's latest kept version: its participant, version number and values; null when no
   * version of it is kept (an unknown record).
   */
  async current(
    entity: string,
    entityId: string,
    em?: EntityManager,
  ): Promise<{ participantId: string; version: number; data: Record<string, unknown> } | null> {
    const [row]: {
      participantId: string | null;
      version: number;
      data: Record<string, unknown>;
    }[] = await (em ?? this.dataSource.manager).query(
      `SELECT participant_id AS "participantId", version, data FROM record_versions
         WHERE entity = $1 AND entity_id = $2 ORDER BY version DESC LIMIT 1`,
      [entity, entityId],
    );
    return row && row.participantId ? { ...row, participantId: row.participantId } : null;
  }

  /** Whether any version of the record is kept yet. */
  async has(entity: string, entityId: string, em: EntityManager): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `SELECT 1 FROM record_versions WHERE entity = $1 AND entity_id = $2 LIMIT 1`,
      [entity, entityId],
    );
    return rows.length > 0;
  }

  /** The fields changed by the versions after `version`, merged (first before, last after). */
  async changesSince(
    entity: string,
    entityId: string,
    version: number,
    em: EntityManager,
  ): Promise<FieldChange[]> {
    const rows: { changes: FieldChange[] }[] = await em.query(
      `SELECT changes FROM record_versions WHERE entity = $1 AND entity_id = $2 AND version > $3 ORDER BY version`,
      [entity, entityId, version],
    );
    return mergeChanges(rows.map((r) => r.changes));
  }
}
