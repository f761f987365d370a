import { FIELD_ITEMS } from 'src/common/fields/registry';
import { i18n, translateError } from '../../web/src/i18n';

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
});
