import type { Resources } from './en';
import { verificationNl } from './verification';

/**
 * The Dutch texts of the pages, by the same keys as en.ts. Only the sections translated so far
 * (the audit trail, verification and sign-off, data cuts and the lock); every other key falls back to English (fallbackLng).
 */
export const nl: {
  nav: Pick<Resources['nav'], 'audit' | 'dataLocks'>;
  audit: Resources['audit'];
  verification: Resources['verification'];
  dataLocks: Resources['dataLocks'];
} = {
  verification: verificationNl,
  nav: { audit: 'Audittrail', dataLocks: 'Datacuts & lock' },
  dataLocks: {
    title: 'Datacuts & lock',
    intro:
      'Een datacut bevriest de gegevens die tot en met de cut-offdatum zijn vastgelegd zodra een monitor hem bevestigt; latere gegevens blijven binnenkomen. De definitieve lock stopt elke klinische wijziging (veiligheidsmeldingen uitgezonderd) tot twee personen hem opheffen.',
    cuts: 'Datacuts',
    noCuts: 'Nog geen datacut.',
    name: 'Naam',
    cutoffDate: 'Cut-offdatum',
    cutoffAt: 'Cut-off (einde van de dag)',
    status: 'Status',
    declared: 'aangekondigd',
    confirmed: 'bevestigd',
    declaredBy: 'Aangekondigd door',
    confirmedBy: 'Bevestigd door',
    exportHash: 'Referentie-export (SHA-256)',
    declare: 'Datacut aankondigen',
    confirm: 'Bevestigen (gegevens zijn schoon)',
    unfreezes: 'Ontdooiingen',
    noUnfreezes: 'Er is geen record ontdooid.',
    unfreeze: 'Een record ontdooien',
    entity: 'Soort record (bijv. visit_log)',
    entityId: 'Record-id',
    reason: 'Reden',
    unfrozenBy: 'Door',
    usedAt: 'Gebruikt',
    open: 'open',
    lock: 'Definitieve lock van de studie',
    locked: 'De studie is gelockt sinds {{at}} ({{reason}}).',
    unlocked: 'De studie is niet gelockt.',
    requests: 'Verzoeken om te locken en te ontgrendelen',
    noRequests: 'Nog geen verzoek.',
    action: 'Actie',
    requestedBy: 'Gevraagd door',
    approvedBy: 'Goedgekeurd door',
    requestLock: 'Vragen om te locken',
    requestUnlock: 'Vragen om te ontgrendelen',
    approve: 'Goedkeuren',
    twoPeople:
      'Een statisticus en een beheerder samen: de een vraagt, de ander keurt goed. Niemand keurt zijn eigen verzoek goed.',
  },
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
