import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A participant's audit trail (GET /audit?studyId=…, its history CSV, the archival exports) reads
 * the rows whose entity id is the participant's or one of its records' ids, whatever the entity:
 * the (entity, entity_id, seq) index cannot serve that; this one keeps it proportional to the
 * participant's rows.
 */
export class AuditEntityIdIndex1764002700000 implements MigrationInterface {
  name = 'AuditEntityIdIndex1764002700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_log_entity_id_idx ON audit_log (entity_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_log_entity_id_idx`);
  }
}
