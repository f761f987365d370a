import { useCallback, useEffect, useRef, useState } from 'react';
import type { FieldValues, UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';

/** How long typing pauses before the draft is saved. */
const SAVE_AFTER_MS = 1000;

/** The pending saves of every form on the page, flushed before the session ends. */
const flushers = new Set<() => Promise<void>>();

/** Saves every pending draft now (the session calls it before it signs out). */
export async function flushDrafts(): Promise<void> {
  await Promise.all([...flushers].map((f) => f().catch(() => undefined)));
}

export type ServerDraft = {
  /** When the draft shown was restored from the server (its save time), or null. */
  restoredFrom: string | null;
  /** When the draft was last saved while typing, or null. */
  savedAt: string | null;
  /** Deletes the draft (after the form was saved). */
  clear: () => Promise<void>;
  /** Deletes the draft and puts the form back as it was before the draft. */
  discard: () => Promise<void>;
};

/**
 * Keeps a form's unsaved values as a draft on the server, per user: saved a second after typing
 * pauses, restored when the form opens again (after a new sign-in, a reload, another computer).
 * Nothing goes into the browser's storage: ward computers are shared. `formKey` names the form
 * and its record (`visit-log:<visitId>:<version>`); null switches drafts off.
 */
export function useServerDraft<T extends FieldValues>(
  formKey: string | null,
  form: UseFormReturn<T>,
): ServerDraft {
  const [restoredFrom, setRestoredFrom] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const loaded = useRef(false);
  const timer = useRef<number | undefined>(undefined);
  const lastSent = useRef<string | null>(null);
  const formRef = useRef(form);
  formRef.current = form;

  const save = useCallback(async () => {
    window.clearTimeout(timer.current);
    timer.current = undefined;
    if (!formKey) return;
    const data = formRef.current.getValues() as Record<string, unknown>;
    const json = JSON.stringify(data);
    if (json === lastSent.current) return;
    lastSent.current = json;
    const { data: saved } = await api.PUT('/drafts/{formKey}', {
      params: { path: { formKey } },
      body: { data },
    });
    if (saved) setSavedAt(saved.savedAt);
  }, [formKey]);

  // Restore the draft when the form opens.
  useEffect(() => {
    loaded.current = false;
    lastSent.current = null;
    setRestoredFrom(null);
    setSavedAt(null);
    if (!formKey) return;
    let cancelled = false;
    api
      .GET('/drafts/{formKey}', { params: { path: { formKey } } })
      .then(({ data }) => {
        if (cancelled || !data) return;
        const values = { ...formRef.current.getValues(), ...data.data } as T;
        formRef.current.reset(values, { keepDefaultValues: true });
        lastSent.current = JSON.stringify(formRef.current.getValues());
        setRestoredFrom(data.savedAt);
      })
      .catch(() => undefined)
      .finally(() => {
        if (!cancelled) loaded.current = true;
      });
    return () => {
      cancelled = true;
    };
  }, [formKey]);

  // Save while typing (a change by the user names its field; a reset names none).
  useEffect(() => {
    if (!formKey) return;
    const sub = form.watch((_, info) => {
      if (!loaded.current || info.name === undefined) return;
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => void save(), SAVE_AFTER_MS);
    });
    const flush = () => (timer.current !== undefined ? save() : Promise.resolve());
    flushers.add(flush);
    return () => {
      sub.unsubscribe();
      flushers.delete(flush);
      void flush();
    };
  }, [formKey, form, save]);

  const clear = useCallback(async () => {
    window.clearTimeout(timer.current);
    timer.current = undefined;
    setRestoredFrom(null);
    setSavedAt(null);
    if (!formKey) return;
    lastSent.current = null;
    await api.DELETE('/drafts/{formKey}', { params: { path: { formKey } } }).catch(() => undefined);
  }, [formKey]);

  const discard = useCallback(async () => {
    formRef.current.reset();
    await clear();
  }, [clear]);

  return { restoredFrom, savedAt, clear, discard };
}

/** "Draft restored from <time> — Discard", and "Draft saved <time>" while typing. */
export function DraftNotice({ draft }: { draft: ServerDraft }) {
  const { t } = useTranslation();
  const time = (iso: string) =>
    new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <>
      {draft.restoredFrom && (
        <div className="alert ok" role="status">
          {t('draft.restored', { when: time(draft.restoredFrom) })}{' '}
          <button type="button" className="secondary" onClick={() => void draft.discard()}>
            {t('draft.discard')}
          </button>
        </div>
      )}
      <p className="small muted" aria-live="polite">
        {draft.savedAt ? t('draft.saved', { when: time(draft.savedAt) }) : ''}
      </p>
    </>
  );
}
