import { Injectable } from '@nestjs/common';

/**
 * Arm-agnostic warnings for the randomisation readiness check, contributed by other modules
 * (the transplant-slot module adds the waiting-time warning). A source must not depend on, or
 * reveal, the next allocation.
 */
export type ReadinessWarningSource = (ctx: {
  participantId: string;
  siteId: string;
}) => Promise<string | null>;

@Injectable()
export class RandomizationReadiness {
  private readonly sources: ReadinessWarningSource[] = [];

  addWarningSource(source: ReadinessWarningSource): void {
    this.sources.push(source);
  }

  async warnings(ctx: { participantId: string; siteId: string }): Promise<string[]> {
    const found = await Promise.all(this.sources.map((s) => s(ctx)));
    return found.filter((w): w is string => typeof w === 'string' && w.length > 0);
  }
}
