import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { nl } from './nl';

/**
 * The pages' i18n layer: i18next with react-i18next, English, and Dutch for the sections
 * translated so far (the rest falls back to English). Another language is one more resource with
 * the same keys (`nb`, `sv`, `da`) added to `resources`; no language detector or switch yet.
 * Field labels come from the field registry (src/common/fields), see en.ts.
 */
export const resources = { en: { translation: en }, nl: { translation: nl } } as const;
export const LANGUAGES = Object.keys(resources);

void i18next.use(initReactI18next).init({
  resources,
  lng: 'en',
  fallbackLng: 'en',
  // Resources are bundled: initialise synchronously so the first render already has its texts.
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

export const i18n = i18next;

/** A field error of the one error shape. */
export type FieldErrorLike = {
  path?: string;
  code?: string;
  message?: string;
  params?: Record<string, unknown>;
};
/** The one error shape of the API (or anything with a code and a message). */
export type ApiErrorLike = {
  code?: string;
  message?: string;
  requestId?: string;
  errors?: FieldErrorLike[];
};

const has = (key: string) => i18next.exists(key);

/** A field's label from the registry (`field.<form>.<item>`), else the last part of its path. */
function fieldName(path: string | undefined, params: Record<string, unknown> | undefined): string {
  const item = typeof params?.item === 'string' ? `field.${params.item}` : null;
  if (item && has(item)) return i18next.t(item);
  return (
    path
      ?.split('.')
      .pop()
      ?.replace(/\[\d+\]$/, '') ?? ''
  );
}

/**
 * An error for people: the translation of its code (and of each field error's code, with its
 * params), falling back to the server's message where no translation exists.
 */
export function translateError(err: ApiErrorLike): {
  message: string;
  errors: { path: string; message: string }[];
} {
  const key = `errors.${err.code ?? ''}`;
  const message =
    err.code && has(key)
      ? i18next.t(key, { requestId: err.requestId ?? '' })
      : (err.message ?? i18next.t('errors.INTERNAL_ERROR', { requestId: err.requestId ?? '' }));
  const errors = (err.errors ?? []).map((e) => {
    const fieldKey = `errors.field.${e.code ?? ''}`;
    const params = {
      ...e.params,
      field: fieldName(e.path, e.params),
      values: Array.isArray(e.params?.values) ? e.params.values.join(', ') : e.params?.values,
    };
    return {
      path: e.path ?? '',
      message: e.code && has(fieldKey) ? i18next.t(fieldKey, params) : (e.message ?? ''),
    };
  });
  return { message, errors };
}
