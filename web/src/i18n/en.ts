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
  },
  sso: {
    signIn: 'Sign in with your hospital account',
    or: 'or with your e-mail address and password',
    title: 'Hospital sign-in',
    working: 'Finishing the sign-in at your hospital…',
    cancelled: 'The sign-in at your hospital was cancelled or has expired. Start again.',
    noAccount:
      'Your hospital account matches no active account of this trial. Ask the trial administrator.',
    unavailable: 'Your hospital sign-in cannot be reached right now. Try again in a moment.',
    back: 'Back',
    reauthenticate: 'Re-authenticate at your hospital',
    reauthenticated: 'You re-authenticated at your hospital: sign now (within a few minutes).',
    signWithReauth: 'Sign',
    orPassword: 'Or enter your password (or signing password):',
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
