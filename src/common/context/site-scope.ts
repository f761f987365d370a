import type { Actor } from 'src/common/context/request-context';

/**
 * The site ids an actor's queries are limited to, or `null` for trial-wide actors. Services pass
 * this into their SQL, so another site's record is simply not found (404), never loaded.
 */
export function siteScope(actor: Actor): readonly string[] | null {
  return actor.trialWide ? null : actor.siteIds;
}
