// Field labels from the field registry (one source; relative like ../lib/corrections.ts).
import { englishFieldLabels } from '../../../src/common/fields/registry';
import { errorsEn } from './errors';

/**
 * The English texts of the pages, by key. Field labels (`field.<form>.<item>`) come from the field
 * registry and are not typed again here; error texts from ./errors.ts. Another language copies
 * this object's keys.
 */
export const en = {
  ...englishFieldLabels(),
  errors: errorsEn,
  app: {
    name: 'RAM-MS',
    notFoundTitle: 'Page not found',
    notFoundText: 'There is no page at this address.',
    notFoundLink: 'Go to your start page',
  },
  nav: {
    main: 'Main',
    worklist: 'Worklist',
    allocations: 'Allocations',
    transplant: 'Transplant centre',
    followUp: 'Follow-up',
    assessorWorklist: 'Assessments to do',
    statistics: 'Randomisation',
    reports: 'Reports',
    users: 'Users',
    sites: 'Sites & capacity',
    audit: 'Audit trail',
    notifications: 'Notifications',
    security: 'Security',
  },
  security: {
    title: 'Security',
    secondFactor: 'Second factor (authenticator app)',
    optionalIntro:
      'A second factor protects your account even if someone learns your password: signing in then also needs a 6-digit code from an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or FreeOTP).',
    requiredIntro:
      'Your role requires a second factor. Set up an authenticator app on your phone now (for example Google Authenticator, Microsoft Authenticator or FreeOTP); until then you cannot use the other pages.',
    setupTitle: 'Set up your second factor',
    start: 'Set up an authenticator app',
    step1: 'Open the authenticator app on your phone and choose to add an account.',
    step2: 'Scan this QR code with the app.',
    qrAlt: 'QR code for your authenticator app',
    secretText: 'Cannot scan it? Type this key into the app instead:',
    step3: 'Enter the 6-digit code the app now shows, to check that it works.',
    confirm: 'Confirm set-up',
    codesTitle: 'Your recovery codes',
    codesIntro:
      'If you lose your phone, each of these codes signs you in once in place of an app code. They are shown only now: save them somewhere safe, away from your phone.',
    codesHint:
      'Download them or print them now. Anyone who has them and your password can sign in as you.',
    codesFileTitle: 'RAM-MS recovery codes (each works once)',
    download: 'Download codes',
    print: 'Print',
    saved: 'I have saved my codes',
    enrolledSince: 'A second factor is set up (since {{date}}).',
    codesLeft_one: '{{count}} recovery code left.',
    codesLeft_other: '{{count}} recovery codes left.',
    newCodesTitle: 'New recovery codes',
    newCodes: 'Make new recovery codes',
    removeTitle: 'Remove the second factor',
    remove: 'Remove second factor',
    cannotRemove: 'It cannot be removed: your roles require it ({{roles}}).',
    policyTitle: 'Second factor required for roles',
    policyIntro:
      'People acting in a checked role must use a second factor. Someone without one is asked to set it up at their next sign-in and can do nothing else until they have.',
    policyLegend: 'Roles that require a second factor',
    policySave: 'Save roles',
    policySaved: 'Saved. It applies from each person’s next sign-in.',
  },
  assessorWorklist: {
    title: 'Assessments to do',
    intro:
      'Visits of your sites that need the blinded EDSS or an MRI read not yet recorded, logged by the site or not; the most urgent first.',
    studyId: 'Study id',
    visit: 'Visit',
    window: 'Window',
    siteLog: 'Site log',
    logged: 'Logged {{date}}',
    loggedOnly: 'Logged by the site',
    notLogged: 'Not logged yet',
    missing: 'Still missing',
    any: 'Any',
    read: { edss: 'EDSS', mri: 'MRI read' },
    count_one: '{{count}} visit',
    count_other: '{{count}} visits',
    empty: 'Nothing to assess.',
  },
  layout: {
    skipToContent: 'Skip to content',
    brand: 'RAM-MS trial',
    signedInAs: 'Signed in as',
    allSites: ' (all sites)',
    actingAs: 'Acting as',
    signOut: 'Sign out',
    unread: '{{count}} unread',
    sessionEndsSoon: 'Your session ends in {{when}}; save your work and sign in again.',
    lessThanAMinute: 'less than a minute',
    minutes: '{{count}} minutes',
  },
  role: {
    coordinator: 'Coordinator',
    investigator: 'Investigator',
    site_staff: 'Site staff',
    blinded_assessor: 'Blinded assessor',
    statistician: 'Statistician',
    monitor: 'Monitor',
    admin: 'Administrator',
  },
  signIn: {
    title: 'Sign in to RAM-MS',
    expired: 'Your session expired. Sign in again to continue.',
    signedOut: 'You are signed out.',
    email: 'E-mail address',
    emailRequired: 'Enter your e-mail address',
    password: 'Password',
    passwordRequired: 'Enter your password',
    submit: 'Sign in',
    submitting: 'Signing in…',
    interested: 'Interested in taking part?',
    prescreening: 'Check whether the study could be for you',
    secondFactor: {
      title: 'Enter your sign-in code',
      intro:
        'Open the authenticator app on your phone and enter the 6-digit code it shows for RAM-MS.',
      recoveryIntro:
        'Enter one of the recovery codes you saved when you set up the app. Each code works once.',
      code: 'Code from the app',
      codeHint: '6 digits; a new code appears every 30 seconds',
      codeRequired: 'Enter the 6 digits the app shows',
      recoveryCode: 'Recovery code',
      recoveryRequired: 'Enter a recovery code',
      submit: 'Continue',
      wrong: 'That code is not right, or it was used already. Wait for the next code and enter it.',
      wrongRecovery: 'That recovery code is not right, or it was used already.',
      restart: 'The sign-in took too long. Sign in again.',
      locked:
        'Too many wrong codes in a row. Try again in {{minutes}} minutes, or use one of your recovery codes now.',
      useRecovery: 'I do not have my phone: use a recovery code',
      useApp: 'Use the code from the app instead',
      back: 'Back to sign-in',
    },
  },
  common: {
    loading: 'Loading',
    loadingWhat: 'Loading {{what}}',
    working: 'Working…',
    nothingToShow: 'Nothing to show.',
    cancel: 'Cancel',
  },
  history: {
    recorded: 'Recorded',
    corrected: 'Corrected',
    by: 'by {{name}}',
    unknown: 'unknown',
    reason: 'reason: “{{reason}}”',
  },
  visit: {
    edssHint: '0 to 10 in steps of 0.5',
  },
};

export type Resources = typeof en;
