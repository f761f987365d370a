import type { Resources } from './en';
import { verificationNl } from './verification';

/**
 * The Dutch texts of the pages, by the same keys as en.ts. Only the sections translated so far
 * (the audit trail, verification and sign-off); every other key falls back to English (fallbackLng).
 */
export const nl: {
  nav: Pick<Resources['nav'], 'audit'>;
  audit: Resources['audit'];
  verification: Resources['verification'];
} = {
  verification: verificationNl,
  nav: { audit: 'Audittrail' },
  audit: {
    title: 'Audittrail',
    verification: 'Controle',
    verifyIntro:
      'Berekent de hashketen over alle regels opnieuw; een gewijzigde of verwijderde regel verbreekt haar.',
    verify: 'Keten controleren',
    verifying: 'Bezig met controleren…',
    intact: 'De keten is intact: {{rows}} regels gecontroleerd.',
    broken: 'De keten is verbroken bij regel {{seq}} ({{problem}}); {{rows}} regels gecontroleerd.',
    filters: 'Filters',
    studyId: 'Studienummer',
    studyIdHint: 'bijv. NL-AMS-0001: de deelnemer en al zijn gegevens',
    studyIdInvalid: 'Een studienummer ziet eruit als NL-AMS-0001',
    action: 'Handeling',
    actionHint: 'bijv. participant.transition',
    entity: 'Soort gegeven',
    entityHint: 'bijv. participant',
    entityId: 'Id van het gegeven',
    what: 'de audittrail',
    colWhen: 'Wanneer',
    colWho: 'Wie',
    colParticipant: 'Deelnemer',
    colAction: 'Handeling',
    colRecord: 'Gegeven',
    colChange: 'Wat is gewijzigd',
    system: 'systeem',
    changes: 'Gewijzigde velden',
    change: '{{label}}: {{before}} → {{after}}',
    empty: '(leeg)',
    yes: 'ja',
    no: 'nee',
    withheld: 'Waarden niet zichtbaar voor uw rol',
    raw: 'Voor / na zoals vastgelegd',
    downloadHistory: 'Geschiedenis downloaden (CSV)',
    downloadFailed: 'De geschiedenis kon niet worden gedownload',
  },
};
