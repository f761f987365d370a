/** The public questionnaire's words, in English and Dutch (ram-ms.md §6, S003). */
export type Lang = 'en' | 'nl';

const en = {
  title: 'Stem-cell therapy for MS: could the study be for you?',
  intro:
    'The RAM-MS study compares stem-cell therapy (aHSCT) with the best available MS medicine. Answer these questions first. If your answers show that you cannot take part, we tell you why, and nothing is stored. Otherwise you can register, and the study team contacts you.',
  strict: 'The study has strict criteria, without exceptions.',
  language: 'Taal: Nederlands',
  required: 'Please answer this question',
  yes: 'Yes',
  no: 'No',
  dontKnow: "I don't know",
  q: {
    birthDate: 'What is your date of birth?',
    msType: 'Which type of MS did your neurologist diagnose?',
    msTypes: {
      RRMS: 'Relapsing-remitting MS (RRMS)',
      SPMS: 'Secondary progressive MS (SPMS)',
      PPMS: 'Primary progressive MS (PPMS)',
      unknown: "I don't know",
    },
    currentTreatment: 'Which MS medicine do you use now?',
    none: 'No MS medicine',
    other: 'Another medicine',
    since: 'Since when (approximately)?',
    prior: 'Have you ever been treated with one of these? (tick all that apply)',
    ahsct: 'A stem-cell transplantation',
    relapse: 'Did you have a relapse (an attack) in the last 12 months?',
    relapseDate: 'When did that relapse start (approximately)?',
    relapseSteroids:
      'Was that relapse treated with a high dose of corticosteroids (e.g. methylprednisolone)?',
    mri: 'Did an MRI in the last 12 months show new or active spots (lesions)?',
    mriDate: 'When was that MRI (approximately)?',
    edss: 'What is your most recent EDSS score? (optional)',
    edssHint: 'Your neurologist may have told you. Leave empty if you do not know.',
    pregnant: 'Are you pregnant or breastfeeding?',
    neurologist: 'Are you treated by a neurologist who can send us your medical records?',
    randomised:
      'In the study a computer decides which treatment you get (a lottery). Do you agree to that?',
    results:
      'Do you want to hear the results of the tests for TB, hepatitis and HIV that are part of the screening?',
  },
  check: 'Check my answers',
  checking: 'Checking…',
  stopTitle: 'Thank you for your interest',
  stopIntro: 'Based on your answers you cannot take part in this study, because:',
  stopNotStored: 'Your answers have not been saved.',
  stopAdvice:
    'This is not a judgement about you or your MS. Please talk to your neurologist about the treatment that suits you best. If an answer was wrong, you can change it.',
  change: 'Change my answers',
  goTitle: 'You may qualify: register',
  goIntro:
    'Your answers do not rule you out. Some things only the study team can check (for example your EDSS score and the MRI). Fill in your details so the team can contact you.',
  site: 'Where would you like to be screened?',
  givenName: 'Given name',
  familyName: 'Family name',
  email: 'E-mail address',
  phone: 'Phone number',
  phoneHint: 'For example +31 6 1234 5678',
  contactNeeded: 'Give an e-mail address or a phone number (or both)',
  agree:
    'I agree that the study team stores my answers and details, and contacts me about the study.',
  agreeNeeded: 'Tick this box to register',
  register: 'Register',
  registering: 'Registering…',
  doneTitle: 'Thank you: you are registered',
  doneIntro: (site: string) => `Your registration was sent to ${site}. This is what happens next:`,
  next: {
    team_review: 'The study team looks at your answers and tells you whether you may qualify.',
    phone_check: 'If so, a member of the team calls you to check your details.',
    records: 'We ask your neurologist for your medical records and review them.',
    screening_visit:
      'If you still qualify, we invite you to a screening visit: medical history, a neurological examination, and tests for TB, hepatitis and HIV.',
  } as Record<string, string>,
  doneNote: 'You can stop at any time, without giving a reason.',
  error: 'Something went wrong. Please try again in a moment.',
  tooMany: 'Too many attempts from this connection. Please try again later.',
  fixFields: 'Please correct the answers marked below.',
  reasons: {
    I1: 'The study is for people aged 18 to 50.',
    I3: 'The study is for relapsing-remitting MS (RRMS).',
    E4: 'People with progressive MS (SPMS or PPMS) cannot take part.',
    I4: 'The study is for people with an EDSS score up to 5.5.',
    I5: 'The study is for people whose MS was active in the last year despite a standard MS medicine: a relapse treated with high-dose corticosteroids, while on that medicine for at least 3 months, and activity on the MRI.',
    I6: 'Taking part needs a neurologist who can send your medical records.',
    E2: 'People who were treated before with alemtuzumab, cladribine, ocrelizumab or a stem-cell transplantation cannot take part.',
    E6: 'Taking part needs you to be willing to hear the results of the tests for TB, hepatitis and HIV.',
    E7: 'In the study a computer decides the treatment. If you do not want that, the study is not for you.',
    E8: 'People who use alemtuzumab, cladribine or ocrelizumab now cannot take part.',
    E12: 'You cannot take part while pregnant or breastfeeding.',
  } as Record<string, string>,
};

type Dict = typeof en;

const nl: Dict = {
  title: 'Stamceltherapie bij MS: is het onderzoek iets voor u?',
  intro:
    'Het RAM-MS-onderzoek vergelijkt stamceltherapie (aHSCT) met het best beschikbare MS-medicijn. Beantwoord eerst deze vragen. Als uit uw antwoorden blijkt dat u niet kunt meedoen, vertellen wij u waarom, en wordt er niets opgeslagen. Anders kunt u zich aanmelden en neemt het onderzoeksteam contact met u op.',
  strict: 'Het onderzoek heeft strenge criteria, zonder uitzonderingen.',
  language: 'Language: English',
  required: 'Beantwoord deze vraag',
  yes: 'Ja',
  no: 'Nee',
  dontKnow: 'Weet ik niet',
  q: {
    birthDate: 'Wat is uw geboortedatum?',
    msType: 'Welke vorm van MS heeft uw neuroloog vastgesteld?',
    msTypes: {
      RRMS: 'Relapsing-remitting MS (RRMS)',
      SPMS: 'Secundair progressieve MS (SPMS)',
      PPMS: 'Primair progressieve MS (PPMS)',
      unknown: 'Weet ik niet',
    },
    currentTreatment: 'Welk MS-medicijn gebruikt u nu?',
    none: 'Geen MS-medicijn',
    other: 'Een ander medicijn',
    since: 'Sinds wanneer (ongeveer)?',
    prior: 'Bent u ooit behandeld met een van deze? (vink alles aan wat geldt)',
    ahsct: 'Een stamceltransplantatie',
    relapse: 'Heeft u de afgelopen 12 maanden een schub (aanval) gehad?',
    relapseDate: 'Wanneer begon die schub (ongeveer)?',
    relapseSteroids:
      'Is die schub behandeld met een hoge dosis corticosteroïden (bijv. methylprednisolon)?',
    mri: 'Liet een MRI in de afgelopen 12 maanden nieuwe of actieve plekken (laesies) zien?',
    mriDate: 'Wanneer was die MRI (ongeveer)?',
    edss: 'Wat is uw meest recente EDSS-score? (niet verplicht)',
    edssHint: 'Misschien heeft uw neuroloog die genoemd. Laat leeg als u het niet weet.',
    pregnant: 'Bent u zwanger of geeft u borstvoeding?',
    neurologist:
      'Wordt u behandeld door een neuroloog die uw medische gegevens naar ons kan sturen?',
    randomised:
      'In het onderzoek bepaalt een computer welke behandeling u krijgt (loting). Gaat u daarmee akkoord?',
    results:
      'Wilt u de uitslagen horen van de testen op tbc, hepatitis en hiv die bij de screening horen?',
  },
  check: 'Controleer mijn antwoorden',
  checking: 'Bezig met controleren…',
  stopTitle: 'Dank u voor uw belangstelling',
  stopIntro: 'Op basis van uw antwoorden kunt u helaas niet meedoen aan dit onderzoek, omdat:',
  stopNotStored: 'Uw antwoorden zijn niet opgeslagen.',
  stopAdvice:
    'Dit is geen oordeel over u of uw MS. Bespreek met uw neuroloog welke behandeling het beste bij u past. Was een antwoord niet juist, dan kunt u het aanpassen.',
  change: 'Mijn antwoorden aanpassen',
  goTitle: 'U komt mogelijk in aanmerking: meld u aan',
  goIntro:
    'Uw antwoorden sluiten u niet uit. Sommige dingen kan alleen het onderzoeksteam nagaan (bijvoorbeeld uw EDSS-score en de MRI). Vul uw gegevens in, zodat het team contact met u kan opnemen.',
  site: 'Waar wilt u gescreend worden?',
  givenName: 'Voornaam',
  familyName: 'Achternaam',
  email: 'E-mailadres',
  phone: 'Telefoonnummer',
  phoneHint: 'Bijvoorbeeld +31 6 1234 5678',
  contactNeeded: 'Geef een e-mailadres of een telefoonnummer (of allebei)',
  agree:
    'Ik ga ermee akkoord dat het onderzoeksteam mijn antwoorden en gegevens bewaart en contact met mij opneemt over het onderzoek.',
  agreeNeeded: 'Vink dit aan om u aan te melden',
  register: 'Aanmelden',
  registering: 'Bezig met aanmelden…',
  doneTitle: 'Dank u wel: u bent aangemeld',
  doneIntro: (site: string) => `Uw aanmelding is verstuurd naar ${site}. Zo gaat het verder:`,
  next: {
    team_review:
      'Het onderzoeksteam bekijkt uw antwoorden en laat u weten of u mogelijk in aanmerking komt.',
    phone_check: 'Zo ja, dan belt iemand van het team u om uw gegevens na te lopen.',
    records: 'Wij vragen uw medische gegevens op bij uw neuroloog en beoordelen die.',
    screening_visit:
      'Komt u dan nog steeds in aanmerking, dan nodigen wij u uit voor een geschiktheidsonderzoek: medische voorgeschiedenis, neurologisch onderzoek en testen op tbc, hepatitis en hiv.',
  },
  doneNote: 'U kunt op elk moment stoppen, zonder een reden te geven.',
  error: 'Er ging iets mis. Probeer het over een moment opnieuw.',
  tooMany: 'Te veel pogingen vanaf deze verbinding. Probeer het later opnieuw.',
  fixFields: 'Verbeter de antwoorden die hieronder zijn gemarkeerd.',
  reasons: {
    I1: 'Het onderzoek is voor mensen van 18 tot en met 50 jaar.',
    I3: 'Het onderzoek is voor relapsing-remitting MS (RRMS).',
    E4: 'Mensen met progressieve MS (SPMS of PPMS) kunnen niet meedoen.',
    I4: 'Het onderzoek is voor mensen met een EDSS-score tot en met 5,5.',
    I5: 'Het onderzoek is voor mensen bij wie de MS het afgelopen jaar actief was ondanks een standaard MS-medicijn: een schub, behandeld met een hoge dosis corticosteroïden, terwijl u dat medicijn al minstens 3 maanden gebruikte, en activiteit op de MRI.',
    I6: 'Voor deelname is een neuroloog nodig die uw medische gegevens kan opsturen.',
    E2: 'Mensen die eerder zijn behandeld met alemtuzumab, cladribine, ocrelizumab of een stamceltransplantatie kunnen niet meedoen.',
    E6: 'Voor deelname moet u bereid zijn de uitslagen van de testen op tbc, hepatitis en hiv te horen.',
    E7: 'In het onderzoek bepaalt een computer de behandeling. Als u dat niet wilt, is het onderzoek niet geschikt voor u.',
    E8: 'Mensen die nu alemtuzumab, cladribine of ocrelizumab gebruiken, kunnen niet meedoen.',
    E12: 'Tijdens een zwangerschap of borstvoeding kunt u niet meedoen.',
  },
};

export const TEXT: Record<Lang, Dict> = { en, nl };

export const DRUGS: Record<Lang, Record<string, string>> = {
  en: {
    interferon_beta: 'Interferon beta (e.g. Avonex, Rebif, Plegridy)',
    glatiramer_acetate: 'Glatiramer acetate (Copaxone)',
    dimethyl_fumarate: 'Dimethyl fumarate (Tecfidera)',
    teriflunomide: 'Teriflunomide (Aubagio)',
    fingolimod: 'Fingolimod (Gilenya)',
    natalizumab: 'Natalizumab (Tysabri)',
    rituximab: 'Rituximab',
    ofatumumab: 'Ofatumumab (Kesimpta)',
    ocrelizumab: 'Ocrelizumab (Ocrevus)',
    cladribine: 'Cladribine (Mavenclad)',
    alemtuzumab: 'Alemtuzumab (Lemtrada)',
  },
  nl: {
    interferon_beta: 'Interferon bèta (bijv. Avonex, Rebif, Plegridy)',
    glatiramer_acetate: 'Glatirameeracetaat (Copaxone)',
    dimethyl_fumarate: 'Dimethylfumaraat (Tecfidera)',
    teriflunomide: 'Teriflunomide (Aubagio)',
    fingolimod: 'Fingolimod (Gilenya)',
    natalizumab: 'Natalizumab (Tysabri)',
    rituximab: 'Rituximab',
    ofatumumab: 'Ofatumumab (Kesimpta)',
    ocrelizumab: 'Ocrelizumab (Ocrevus)',
    cladribine: 'Cladribine (Mavenclad)',
    alemtuzumab: 'Alemtuzumab (Lemtrada)',
  },
};
