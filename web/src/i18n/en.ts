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
    calendarFeeds: 'Calendar subscriptions',
    notifications: 'Notifications',
    security: 'Security',
  },
  security: {
    title: 'Security',
    signingPassword: 'Signing password',
    signingPasswordIntro:
      'You sign in through your hospital. To sign eligibility decisions without signing in at the hospital again each time, set a signing password: it is used only for electronic signatures.',
    signingPasswordSet:
      'You have a signing password. You can replace it here; the old one stops working at once.',
    signingPasswordNew: 'New signing password',
    signingPasswordHint: '12 to 128 characters, not your e-mail name',
    signingPasswordRequired: 'Enter the signing password',
    signingPasswordProof: 'Your sign-in password (to prove it is you)',
    signingPasswordProofRequired: 'Enter your sign-in password',
    signingPasswordSave: 'Save signing password',
    signingPasswordSaved: 'Your signing password is saved.',
    signingPasswordReauthenticated:
      'You confirmed it is you at your hospital: save the signing password now (within a few minutes).',
    adminReset: 'Reset second factor',
    adminResetIntro:
      'If {{name}} lost the phone and the recovery codes: remove the second factor. They then sign in with the password alone, or set it up again where their role requires it.',
    adminResetReason: 'Reason (kept in the audit trail)',
    adminResetConfirm: 'Reset the second factor of {{name}}',
    adminResetDone: 'The second factor of {{name}} was removed.',
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
    expired:
      'Your session expired. Sign in again to continue; your unsaved forms are kept as drafts.',
    signedOutEverywhere: 'You are signed out on every computer.',
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
  password: {
    changeTitle: 'Change your password',
    forced:
      'You signed in with a temporary password. Choose your own password now: until you do, nothing else is open to you.',
    changed: 'Your password was changed. Your other sessions have ended.',
    current: 'Current password',
    temporary: 'Temporary password',
    currentRequired: 'Enter your current password',
    new: 'New password',
    rules:
      '12 to 128 characters; not containing your e-mail address; not one of your recent passwords',
    newRequired: 'Enter a new password',
    tooShort: 'Use at least 12 characters',
    tooLong: 'Use at most 128 characters',
    repeat: 'Repeat the new password',
    mismatch: 'The two passwords are not the same',
    othersEnd: 'Changing your password signs you out everywhere else.',
    changeSubmit: 'Change password',
    menuLink: 'Change password',
    tooMany: 'Too many attempts. Wait a minute, then try again.',
    unreachable: 'The system could not be reached. Check your connection and try again.',
    emailInvalid: 'Enter a valid e-mail address.',
    forgotLink: 'Forgot your password?',
    forgotTitle: 'Forgot your password?',
    forgotIntro:
      'Enter the e-mail address of your account. We send you a link to choose a new password; it works once, for a few minutes.',
    forgotSubmit: 'Send me a link',
    checkMail: 'Check your e-mail.',
    checkMailText:
      'If an account has this address, a link to choose a new password is on its way. It works once, for a few minutes. Nothing arrived? Check your spam folder or ask your administrator.',
    backToSignIn: 'Back to sign-in',
    resetTitle: 'Choose a new password',
    resetSubmit: 'Set new password',
    resetDone: 'Your password was changed. Sign in with your new password.',
    signInNow: 'Sign in',
    linkInvalid:
      'This link cannot be used: it was used already, a newer link was sent, or it has expired.',
    askNewLink: 'Ask for a new link',
    adminReset: 'Reset password',
    adminResetIntro:
      'Sets a temporary password and signs {{name}} out everywhere. They must choose their own password at their next sign-in.',
    adminResetReason: 'Reason (audited)',
    adminResetConfirm: 'Reset the password of {{name}}',
    adminResetShown:
      'Temporary password for {{name}}. It is shown only now: give it to them by a separate channel (phone, in person), not in the same e-mail as the address.',
    copy: 'Copy',
    copied: 'Copied',
    mustChange: 'must change password',
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
  draft: {
    restored: 'Draft restored from {{when}}.',
    discard: 'Discard the draft',
    saved: 'Draft saved {{when}} (kept for you on the server until you save or discard it).',
  },
  session: {
    restoring: 'Restoring your session',
    idleTitle: 'Are you still there?',
    idleText_one:
      'You will be signed out in {{count}} minute because nothing happened for a while.',
    idleText_other:
      'You will be signed out in {{count}} minutes because nothing happened for a while.',
    idleTextSoon:
      'You will be signed out in less than a minute because nothing happened for a while.',
    staySignedIn: 'Stay signed in',
    signOut: 'Sign out',
    limitTitle: 'Your session reaches its time limit',
    limitText_one:
      'For safety a session lasts at most a working day: you will be signed out in {{count}} minute. Your unsaved forms are kept as drafts; sign in again to continue.',
    limitText_other:
      'For safety a session lasts at most a working day: you will be signed out in {{count}} minutes. Your unsaved forms are kept as drafts; sign in again to continue.',
    understood: 'Understood',
    signOutEverywhere: 'Sign out everywhere',
    signOutEverywhereHint: 'Ends your sessions on every computer and browser',
  },
};

export type Resources = typeof en;
