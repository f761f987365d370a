import { Injectable } from '@nestjs/common';

/**
 * The result of this process's last audit-chain verification, for monitoring (the metrics read it
 * when scraped); null before the first verification.
 */
@Injectable()
export class AuditChainStatus {
  private last: { valid: boolean; at: Date } | null = null;

  record(valid: boolean, at: Date): void {
    this.last = { valid, at };
  }

  lastVerification(): { valid: boolean; at: Date } | null {
    return this.last;
  }
}
