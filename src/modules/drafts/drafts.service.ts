import { Inject, Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import type { DraftResponseDto } from './dto/draft.dto';
import { DraftErrors } from './drafts.errors';
import { type DraftRow, DraftsRepository } from './drafts.repository';

/** A form name and one to three ids: `visit:<uuid>`, `adverse-event:<visitId>:new`. */
export const FORM_KEY = /^[a-z][a-z0-9-]{0,39}(:[A-Za-z0-9_-]{1,64}){1,3}$/;
const DAY = 86_400_000;

const toResponse = (d: DraftRow): DraftResponseDto => ({
  formKey: d.formKey,
  data: d.data,
  savedAt: d.savedAt.toISOString(),
  expiresAt: d.expiresAt.toISOString(),
});

/**
 * Unsaved form drafts, kept on the server per user so a half-filled form survives a new sign-in
 * without anything in the browser's storage (ward computers are shared). Only the owner reads
 * one (another user's draft is simply not there: 404). The page deletes it when the form is
 * saved or discarded; otherwise it goes after DRAFT_RETENTION_DAYS.
 *
 * Not audited: a draft is not a trial record, only the user's unsaved input, autosaved every few
 * seconds while typing; the record saved from it is audited as usual. Its contents are never
 * logged.
 */
@Injectable()
export class DraftsService {
  constructor(
    private readonly drafts: DraftsRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private key(formKey: string): string {
    if (formKey.length > 160 || !FORM_KEY.test(formKey)) {
      throw DraftErrors.badKey();
    }
    return formKey;
  }

  async get(actor: Actor, formKey: string): Promise<DraftResponseDto> {
    const draft = await this.drafts.find(actor.id as string, this.key(formKey), this.clock.now());
    if (!draft) {
      throw DraftErrors.notFound();
    }
    return toResponse(draft);
  }

  async save(
    actor: Actor,
    formKey: string,
    data: Record<string, unknown>,
  ): Promise<DraftResponseDto> {
    const key = this.key(formKey);
    const json = JSON.stringify(data);
    if (Buffer.byteLength(json, 'utf8') > this.config.DRAFT_MAX_BYTES) {
      throw DraftErrors.tooLarge(this.config.DRAFT_MAX_BYTES);
    }
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.DRAFT_RETENTION_DAYS * DAY);
    const saved = await this.drafts.upsert(actor.id as string, key, json, now, expiresAt);
    await this.drafts.purgeExpired(now, 100);
    return toResponse(saved);
  }

  async discard(actor: Actor, formKey: string): Promise<boolean> {
    return this.drafts.delete(actor.id as string, this.key(formKey));
  }
}
