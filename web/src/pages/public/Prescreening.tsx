import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type ReactElement } from 'react';
import { useForm, type UseFormRegisterReturn } from 'react-hook-form';
import { api, ApiError, call } from '../../api/client';
import type { PrescreeningAnswers, PrescreeningCheckResult } from '../../api/client';
import { DRUGS, TEXT, type Lang } from './i18n';

type Answers = {
  birthDate: string;
  msType: string;
  currentTreatment: string;
  currentTreatmentSince: string;
  priorTreatments: string[];
  relapseLastYear: string;
  relapseOnsetDate: string;
  relapseSteroids: string;
  mriActivityLastYear: string;
  mriDate: string;
  edss: string;
  pregnantOrBreastfeeding: string;
  neurologist: string;
  willingToBeRandomised: string;
  willingToLearnInfectionResults: string;
};
type Contact = {
  siteId: string;
  givenName: string;
  familyName: string;
  email: string;
  phone: string;
  agree: boolean;
};
type Step =
  | { kind: 'questions' }
  | { kind: 'stop'; reasons: PrescreeningCheckResult['reasons'] }
  | { kind: 'register' }
  | { kind: 'done'; siteName: string; nextSteps: string[] };

const EDSS = Array.from({ length: 21 }, (_, i) => (i / 2).toFixed(1));

function toApi(a: Answers): PrescreeningAnswers {
  return {
    birthDate: a.birthDate,
    msType: a.msType as PrescreeningAnswers['msType'],
    currentTreatment: a.currentTreatment as PrescreeningAnswers['currentTreatment'],
    ...(a.currentTreatment !== 'none' && a.currentTreatmentSince
      ? { currentTreatmentSince: a.currentTreatmentSince }
      : {}),
    priorTreatments: (a.priorTreatments ?? []) as PrescreeningAnswers['priorTreatments'],
    relapseLastYear: a.relapseLastYear as PrescreeningAnswers['relapseLastYear'],
    ...(a.relapseLastYear === 'yes' && a.relapseOnsetDate
      ? { relapseOnsetDate: a.relapseOnsetDate }
      : {}),
    ...(a.relapseLastYear === 'yes' && a.relapseSteroids
      ? { relapseSteroids: a.relapseSteroids as PrescreeningAnswers['relapseLastYear'] }
      : {}),
    mriActivityLastYear: a.mriActivityLastYear as PrescreeningAnswers['mriActivityLastYear'],
    ...(a.mriActivityLastYear === 'yes' && a.mriDate ? { mriDate: a.mriDate } : {}),
    ...(a.edss ? { edss: Number(a.edss) } : {}),
    pregnantOrBreastfeeding: a.pregnantOrBreastfeeding as 'yes' | 'no',
    neurologist: a.neurologist as 'yes' | 'no',
    willingToBeRandomised: a.willingToBeRandomised as 'yes' | 'no',
    willingToLearnInfectionResults: a.willingToLearnInfectionResults as 'yes' | 'no',
  };
}

/** A labelled group of radio buttons (fieldset + legend), with its error linked. */
function Radios({
  legend,
  reg,
  options,
  error,
  hint,
}: {
  legend: string;
  reg: UseFormRegisterReturn;
  options: [string, string][];
  error?: string;
  hint?: string;
}) {
  const id = useId();
  return (
    <fieldset aria-describedby={error ? `${id}-e` : undefined} aria-invalid={!!error}>
      <legend>{legend}</legend>
      {hint && <p className="hint small muted">{hint}</p>}
      <div className="choices">
        {options.map(([value, label]) => (
          <label key={value}>
            <input type="radio" value={value} {...reg} /> {label}
          </label>
        ))}
      </div>
      {error && (
        <div className="error" id={`${id}-e`}>
          {error}
        </div>
      )}
    </fieldset>
  );
}

function Input({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: (p: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby'?: string;
  }) => ReactElement;
}) {
  const id = useId();
  const d = [hint ? `${id}-h` : '', error ? `${id}-e` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-h`}>
          {hint}
        </p>
      )}
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': d })}
      {error && (
        <div className="error" id={`${id}-e`}>
          {error}
        </div>
      )}
    </div>
  );
}

/**
 * The public pre-screening questionnaire and registration (S003), in English and Dutch. No
 * sign-in; nothing is stored until the person registers, and never when they cannot qualify.
 */
export function Prescreening() {
  const [lang, setLang] = useState<Lang>(() =>
    navigator.language.toLowerCase().startsWith('nl') ? 'nl' : 'en',
  );
  const t = TEXT[lang];
  const [step, setStep] = useState<Step>({ kind: 'questions' });
  const [problem, setProblem] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = `${t.title} · RAM-MS`;
    return () => {
      document.documentElement.lang = 'en';
    };
  }, [lang, t.title]);
  useEffect(() => {
    heading.current?.focus();
  }, [step.kind]);

  const answers = useForm<Answers>({
    defaultValues: {
      birthDate: '',
      msType: '',
      currentTreatment: '',
      currentTreatmentSince: '',
      priorTreatments: [],
      relapseLastYear: '',
      relapseOnsetDate: '',
      relapseSteroids: '',
      mriActivityLastYear: '',
      mriDate: '',
      edss: '',
      pregnantOrBreastfeeding: '',
      neurologist: '',
      willingToBeRandomised: '',
      willingToLearnInfectionResults: '',
    },
  });
  const contact = useForm<Contact>({
    defaultValues: {
      siteId: '',
      givenName: '',
      familyName: '',
      email: '',
      phone: '',
      agree: false,
    },
  });
  const sites = useQuery({
    queryKey: ['public', 'sites'],
    queryFn: () => call(api.GET('/public/prescreening/sites')),
    staleTime: 10 * 60_000,
  });
  useEffect(() => {
    if (sites.data && !contact.getValues('siteId'))
      contact.setValue(
        'siteId',
        (sites.data.find((s) => s.label === 'NL-AMS') ?? sites.data[0])?.id ?? '',
      );
  }, [sites.data, contact]);

  const onApiError = (e: unknown) => {
    if (e instanceof ApiError && e.code === 'PRESCREENING_CANNOT_QUALIFY') {
      setStep({
        kind: 'stop',
        reasons: e.errors.map((r) => ({
          criterionId: String(r.params.criterionId ?? ''),
          title: String(r.params.title ?? ''),
          explanation: r.message,
        })),
      });
      return;
    }
    if (e instanceof ApiError && e.status === 429) return setProblem(t.tooMany);
    if (e instanceof ApiError && e.status === 400) {
      let placed = 0;
      for (const [path, message] of Object.entries(e.fieldErrors())) {
        const name = path.replace(/^answers\./, '');
        if (name in answers.getValues()) {
          answers.setError(name as keyof Answers, { message });
          placed++;
        } else if (
          ['givenName', 'familyName', 'contact.email', 'contact.phone', 'siteId'].includes(name)
        ) {
          contact.setError(name.replace('contact.', '') as keyof Contact, { message });
          placed++;
        }
      }
      if (placed > 0) {
        setStep((s) =>
          s.kind === 'register' && Object.keys(answers.formState.errors).length > 0
            ? { kind: 'questions' }
            : s,
        );
        return setProblem(t.fixFields);
      }
    }
    setProblem(t.error);
  };

  const check = useMutation({
    mutationFn: (a: Answers) =>
      call(api.POST('/public/prescreening/check', { body: { answers: toApi(a) } })),
    onSuccess: (r) =>
      setStep(r.canQualify ? { kind: 'register' } : { kind: 'stop', reasons: r.reasons }),
    onError: onApiError,
  });
  const registration = useMutation({
    mutationFn: (c: Contact) =>
      call(
        api.POST('/public/prescreening/registrations', {
          body: {
            siteId: c.siteId,
            answers: toApi(answers.getValues()),
            givenName: c.givenName,
            familyName: c.familyName,
            contact: {
              ...(c.email ? { email: c.email } : {}),
              ...(c.phone ? { phone: c.phone } : {}),
            },
            agreeToContact: 'yes',
          },
        }),
      ),
    onSuccess: (r) => setStep({ kind: 'done', siteName: r.siteName, nextSteps: r.nextSteps }),
    onError: onApiError,
  });

  const a = answers.watch();
  const e = answers.formState.errors;
  const req = { required: t.required };
  const yesNo: [string, string][] = [
    ['yes', t.yes],
    ['no', t.no],
  ];
  const yesNoUnknown: [string, string][] = [...yesNo, ['unknown', t.dontKnow]];

  return (
    <div className="public" lang={lang}>
      <header>
        <strong>RAM-MS</strong>
        <button
          type="button"
          className="secondary"
          onClick={() => setLang(lang === 'en' ? 'nl' : 'en')}
          lang={lang === 'en' ? 'nl' : 'en'}
        >
          {t.language}
        </button>
      </header>
      <main>
        {step.kind === 'questions' && (
          <>
            <h1 ref={heading} tabIndex={-1}>
              {t.title}
            </h1>
            <p>{t.intro}</p>
            <p className="small muted">{t.strict}</p>
            {problem && (
              <div className="alert error" role="alert">
                {problem}
              </div>
            )}
            <form
              noValidate
              onSubmit={answers.handleSubmit(
                (v) => {
                  setProblem(null);
                  check.mutate(v);
                },
                () => setProblem(t.fixFields),
              )}
            >
              <Input label={t.q.birthDate} error={e.birthDate?.message}>
                {(p) => (
                  <input
                    {...p}
                    type="date"
                    autoComplete="bday"
                    {...answers.register('birthDate', req)}
                  />
                )}
              </Input>
              <Radios
                legend={t.q.msType}
                reg={answers.register('msType', req)}
                error={e.msType?.message}
                options={Object.entries(t.q.msTypes)}
              />
              <Input label={t.q.currentTreatment} error={e.currentTreatment?.message}>
                {(p) => (
                  <select {...p} {...answers.register('currentTreatment', req)}>
                    <option value="">…</option>
                    <option value="none">{t.q.none}</option>
                    {Object.entries(DRUGS[lang]).map(([code, label]) => (
                      <option key={code} value={code}>
                        {label}
                      </option>
                    ))}
                    <option value="other">{t.q.other}</option>
                  </select>
                )}
              </Input>
              {a.currentTreatment && a.currentTreatment !== 'none' && (
                <Input label={t.q.since} error={e.currentTreatmentSince?.message}>
                  {(p) => (
                    <input {...p} type="date" {...answers.register('currentTreatmentSince')} />
                  )}
                </Input>
              )}
              <fieldset>
                <legend>{t.q.prior}</legend>
                <div className="choices">
                  {(['alemtuzumab', 'cladribine', 'ocrelizumab'] as const).map((d) => (
                    <label key={d}>
                      <input type="checkbox" value={d} {...answers.register('priorTreatments')} />{' '}
                      {DRUGS[lang][d]}
                    </label>
                  ))}
                  <label>
                    <input type="checkbox" value="ahsct" {...answers.register('priorTreatments')} />{' '}
                    {t.q.ahsct}
                  </label>
                </div>
              </fieldset>
              <Radios
                legend={t.q.relapse}
                reg={answers.register('relapseLastYear', req)}
                error={e.relapseLastYear?.message}
                options={yesNoUnknown}
              />
              {a.relapseLastYear === 'yes' && (
                <>
                  <Input label={t.q.relapseDate} error={e.relapseOnsetDate?.message}>
                    {(p) => <input {...p} type="date" {...answers.register('relapseOnsetDate')} />}
                  </Input>
                  <Radios
                    legend={t.q.relapseSteroids}
                    reg={answers.register('relapseSteroids')}
                    error={e.relapseSteroids?.message}
                    options={yesNoUnknown}
                  />
                </>
              )}
              <Radios
                legend={t.q.mri}
                reg={answers.register('mriActivityLastYear', req)}
                error={e.mriActivityLastYear?.message}
                options={yesNoUnknown}
              />
              {a.mriActivityLastYear === 'yes' && (
                <Input label={t.q.mriDate} error={e.mriDate?.message}>
                  {(p) => <input {...p} type="date" {...answers.register('mriDate')} />}
                </Input>
              )}
              <Input label={t.q.edss} hint={t.q.edssHint} error={e.edss?.message}>
                {(p) => (
                  <select {...p} {...answers.register('edss')}>
                    <option value="">{t.dontKnow}</option>
                    {EDSS.map((s) => (
                      <option key={s} value={s}>
                        {lang === 'nl' ? s.replace('.', ',') : s}
                      </option>
                    ))}
                  </select>
                )}
              </Input>
              <Radios
                legend={t.q.pregnant}
                reg={answers.register('pregnantOrBreastfeeding', req)}
                error={e.pregnantOrBreastfeeding?.message}
                options={yesNo}
              />
              <Radios
                legend={t.q.neurologist}
                reg={answers.register('neurologist', req)}
                error={e.neurologist?.message}
                options={yesNo}
              />
              <Radios
                legend={t.q.randomised}
                reg={answers.register('willingToBeRandomised', req)}
                error={e.willingToBeRandomised?.message}
                options={yesNo}
              />
              <Radios
                legend={t.q.results}
                reg={answers.register('willingToLearnInfectionResults', req)}
                error={e.willingToLearnInfectionResults?.message}
                options={yesNo}
              />
              <button type="submit" disabled={check.isPending}>
                {check.isPending ? t.checking : t.check}
              </button>
            </form>
          </>
        )}

        {step.kind === 'stop' && (
          <section aria-labelledby="stop-h">
            <h1 id="stop-h" ref={heading} tabIndex={-1}>
              {t.stopTitle}
            </h1>
            <p>{t.stopIntro}</p>
            <ul>
              {step.reasons.map((r) => (
                <li key={r.criterionId}>{t.reasons[r.criterionId] ?? r.title}</li>
              ))}
            </ul>
            <div className="alert info">{t.stopNotStored}</div>
            <p>{t.stopAdvice}</p>
            <button
              type="button"
              className="secondary"
              onClick={() => setStep({ kind: 'questions' })}
            >
              {t.change}
            </button>
          </section>
        )}

        {step.kind === 'register' && (
          <section aria-labelledby="reg-h">
            <h1 id="reg-h" ref={heading} tabIndex={-1}>
              {t.goTitle}
            </h1>
            <p>{t.goIntro}</p>
            {problem && (
              <div className="alert error" role="alert">
                {problem}
              </div>
            )}
            <form
              noValidate
              onSubmit={contact.handleSubmit((c) => {
                setProblem(null);
                if (!c.email && !c.phone) {
                  contact.setError('email', { message: t.contactNeeded });
                  return;
                }
                registration.mutate(c);
              })}
            >
              <Input label={t.site} error={contact.formState.errors.siteId?.message}>
                {(p) => (
                  <select {...p} {...contact.register('siteId', req)}>
                    {(sites.data ?? []).map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name}
                      </option>
                    ))}
                  </select>
                )}
              </Input>
              <Input label={t.givenName} error={contact.formState.errors.givenName?.message}>
                {(p) => (
                  <input {...p} autoComplete="given-name" {...contact.register('givenName', req)} />
                )}
              </Input>
              <Input label={t.familyName} error={contact.formState.errors.familyName?.message}>
                {(p) => (
                  <input
                    {...p}
                    autoComplete="family-name"
                    {...contact.register('familyName', req)}
                  />
                )}
              </Input>
              <Input label={t.email} error={contact.formState.errors.email?.message}>
                {(p) => (
                  <input {...p} type="email" autoComplete="email" {...contact.register('email')} />
                )}
              </Input>
              <Input
                label={t.phone}
                hint={t.phoneHint}
                error={contact.formState.errors.phone?.message}
              >
                {(p) => (
                  <input {...p} type="tel" autoComplete="tel" {...contact.register('phone')} />
                )}
              </Input>
              <div className="field">
                <label style={{ fontWeight: 400 }}>
                  <input
                    type="checkbox"
                    {...contact.register('agree', { required: t.agreeNeeded })}
                  />{' '}
                  {t.agree}
                </label>
                {contact.formState.errors.agree && (
                  <div className="error">{contact.formState.errors.agree.message}</div>
                )}
              </div>
              <div className="row">
                <button type="submit" disabled={registration.isPending}>
                  {registration.isPending ? t.registering : t.register}
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setStep({ kind: 'questions' })}
                >
                  {t.change}
                </button>
              </div>
            </form>
          </section>
        )}

        {step.kind === 'done' && (
          <section aria-labelledby="done-h">
            <h1 id="done-h" ref={heading} tabIndex={-1}>
              {t.doneTitle}
            </h1>
            <p>{t.doneIntro(step.siteName)}</p>
            <ol className="steps">
              {step.nextSteps.map((s) => (
                <li key={s}>{t.next[s] ?? s}</li>
              ))}
            </ol>
            <p>{t.doneNote}</p>
          </section>
        )}
      </main>
    </div>
  );
}
