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

  /**
   * When each of the given records was first recorded (its earliest kept version) and whose it is, keyed
   * `entity:entityId`; a record without a kept version is absent. Data cuts and freezes
   * (src/modules/data-locks) decide by it.
   */
  async firstRecorded(
    records: readonly { entity: string; entityId: string }[],
    em: EntityManager,
  ): Promise<Map<string, { at: Date; participantId: string | null }>> {
    if (records.length === 0) {
      return new Map();
    }
    const rows: { entity: string; entityId: string; at: Date; participantId: string | null }[] =
      await em.query(
        `SELECT rv.entity, rv.entity_id AS "entityId", min(rv.recorded_at) AS at,
              min(rv.participant_id::text) AS "participantId"
       FROM record_versions rv
       JOIN unnest($1::text[], $2::uuid[]) AS k(entity, entity_id)
         ON rv.entity = k.entity AND rv.entity_id = k.entity_id
       GROUP BY rv.entity, rv.entity_id`,
        [records.map((r) => r.entity), records.map((r) => r.entityId)],
      );
    return new Map(
      rows.map((r) => [
        `${r.entity}:${r.entityId}`,
        { at: new Date(r.at), participantId: r.participantId },
      ]),
    );
  }

  /** Every record first recorded on or before `cutoff`, trial-wide (a data cut's content). */
  async recordedByCutoff(
    cutoff: Date,
    em: EntityManager,
  ): Promise<{ entity: string; entityId: string; participantId: string }[]> {
    return em.query(
      `SELECT entity, entity_id AS "entityId", min(participant_id::text) AS "participantId"
       FROM record_versions GROUP BY entity, entity_id HAVING min(recorded_at) <= $1
       ORDER BY 3, 1, 2`,
      [cutoff],
    );
  }

  /**
   * The records of these participants first recorded on or before `cutoff` (a data cut's
   * content), as `entity:entityId` keys, with the participants that have any.
   */
  async recordedBy(
    participantIds: readonly string[],
    cutoff: Date,
    em: EntityManager,
  ): Promise<{ records: Set<string>; participants: Set<string> }> {
    if (participantIds.length === 0) {
      return { records: new Set(), participants: new Set() };
    }
    const rows: { entity: string; entityId: string; participantId: string }[] = await em.query(
      `SELECT entity, entity_id AS "entityId", min(participant_id::text) AS "participantId"
       FROM record_versions WHERE participant_id = ANY($1::uuid[])
       GROUP BY entity, entity_id HAVING min(recorded_at) <= $2`,
      [participantIds, cutoff],
    );
    return {
      records: new Set(rows.map((r) => `${r.entity}:${r.entityId}`)),
      participants: new Set(rows.map((r) => r.participantId)),
    };
  }
}

/** A correctable record at its latest kept version. */
export type LatestRecord = {
  entity: string;
  entityId: string;
  participantId: string;
  version: number;
  recordedAt: Date;
  actorName: string | null;
  /** The record's values at that version. */
  data: Record<string, unknown>;
};

/**
 * Reads of the records of participants at their latest versions (issue 18: source-data
 * verification and sign-off work per participant and per site). Callers check access first.
 */
@Injectable()
export class ParticipantRecords {
  constructor(private readonly dataSource: DataSource) {}

  /** The latest version of one record, or null when none is kept. */
  async latest(entity: string, entityId: string, em?: EntityManager): Promise<LatestRecord | null> {
    const rows: LatestRecord[] = await (em ?? this.dataSource.manager).query(
      `${LATEST} WHERE rv.entity = $1 AND rv.entity_id = $2 ORDER BY rv.version DESC LIMIT 1`,
      [entity, entityId],
    );
    return rows[0] ?? null;
  }

  /** Every record of a participant at its latest version, by entity and first recorded. */
  async ofParticipant(participantId: string, em?: EntityManager): Promise<LatestRecord[]> {
    const rows: (LatestRecord & { firstAt: Date })[] = await (em ?? this.dataSource.manager).query(
      `SELECT * FROM (
         SELECT DISTINCT ON (rv.entity, rv.entity_id) rv.entity, rv.entity_id AS "entityId",
                rv.participant_id AS "participantId", rv.version, rv.recorded_at AS "recordedAt",
                u.display_name AS "actorName", rv.data,
                min(rv.recorded_at) OVER (PARTITION BY rv.entity, rv.entity_id) AS "firstAt"
         FROM record_versions rv LEFT JOIN user_directory u ON u.id = rv.actor_id
         WHERE rv.participant_id = $1
         ORDER BY rv.entity, rv.entity_id, rv.version DESC) r
       ORDER BY r."firstAt", r.entity, r."entityId"`,
      [participantId],
    );
    return rows.map(({ firstAt: _, ...r }) => r);
  }

  /** How many records each of the participants has (participants with none are left out). */
  async countsByParticipant(
    participantIds: readonly string[],
    em?: EntityManager,
  ): Promise<Map<string, number>> {
    if (participantIds.length === 0) {
      return new Map();
    }
    const rows: { participantId: string; records: number }[] = await (
      em ?? this.dataSource.manager
    ).query(
      `SELECT participant_id AS "participantId", count(DISTINCT (entity, entity_id))::int AS records
       FROM record_versions WHERE participant_id = ANY($1::uuid[]) GROUP BY participant_id`,
      [participantIds],
    );
    return new Map(rows.map((r) => [r.participantId, r.records]));
  }
}

const LATEST = `SELECT rv.entity, rv.entity_id AS "entityId", rv.participant_id AS "participantId", rv.version,
  rv.recorded_at AS "recordedAt", u.display_name AS "actorName", rv.data
  FROM record_versions rv LEFT JOIN user_directory u ON u.id = rv.actor_id`;
