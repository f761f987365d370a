import { FIELD_ITEMS } from 'src/common/fields/registry';
import { i18n, translateError } from '../../web/src/i18n';
import { en } from '../../web/src/i18n/en';
import { nl } from '../../web/src/i18n/nl';

describe("the pages' i18n layer", () => {
  it('has every registry label under its label key, in English', () => {
    for (const item of FIELD_ITEMS) {
      expect(i18n.t(item.labelKey)).toBe(item.label);
    }
  });

  it('translates an error by its code, field errors with their params, else keeps the server text', () => {
    const out = translateError({
      code: 'VALIDATION_FAILED',
      message: 'Validation failed',
      errors: [
        {
          path: 'edss.score',
          code: 'step',
          message: 'edss.score must be a number from 0 to 10 in steps of 0.5',
          params: { item: 'assessment.edss', min: 0, max: 10, step: 0.5 },
        },
        { path: 'mri.x', code: 'no_such_code', message: 'server text' },
      ],
    });
    expect(out).toEqual({
      message: 'Some fields need attention.',
      errors: [
        {
          path: 'edss.score',
          message: 'EDSS score must be a number from 0 to 10 in steps of 0.5.',
        },
        { path: 'mri.x', message: 'server text' },
      ],
    });
    expect(translateError({ code: 'SOMETHING_NEW', message: 'As the server said' }).message).toBe(
      'As the server said',
    );
  });

  it('has the audit trail page in Dutch: every English key, each with its interpolations, and translated', () => {
    expect(Object.keys(nl.audit).sort()).toEqual(Object.keys(en.audit).sort());
    const vars = (text: string) => [...text.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(en.audit)) {
      expect({ key, vars: vars(nl.audit[key as keyof typeof nl.audit]) }).toEqual({
        key,
        vars: vars(text),
      });
    }
    expect(i18n.t('audit.downloadHistory', { lng: 'nl' })).toBe('Geschiedenis downloaden (CSV)');
    expect(i18n.t('audit.downloadHistory')).toBe('Download history (CSV)');
    // What is not translated yet falls back to English.
    expect(i18n.t('app.name', { lng: 'nl' })).toBe('RAM-MS');
  });
});
