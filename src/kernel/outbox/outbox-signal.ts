import { Injectable } from '@nestjs/common';

/** A nudge from a committed transaction to the relay: "there are new outbox rows". */
@Injectable()
export class OutboxSignal {
  private listener: (() => void) | null = null;
  onKick(listener: () => void): void {
    this.listener = listener;
  }
  kick(): void {
    this.listener?.();
  }
}
