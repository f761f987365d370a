import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from 'src/common/errors/domain-error';
import type { TrialSettings } from './trial-settings';

export type Trial = { id: string; code: string; name: string; settings: TrialSettings };

/** The trial this deployment runs (one per database) and its configuration. */
@Injectable()
export class TrialsService {
  private cached: Trial | null = null;

  constructor(private readonly dataSource: DataSource) {}

  async current(): Promise<Trial> {
    if (this.cached) {
      return this.cached;
    }
    const rows: Trial[] = await this.dataSource.query(
      `SELECT id, code, name, settings FROM trials ORDER BY created_at LIMIT 1`,
    );
    if (!rows[0]) {
      throw new DomainError('TRIAL_NOT_SEEDED', 'unavailable', 'No trial is configured yet');
    }
    this.cached = rows[0];
    return rows[0];
  }

  /** Forget the cached configuration (after a settings change). */
  invalidate(): void {
    this.cached = null;
  }
}
