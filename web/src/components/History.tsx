import { useTranslation } from 'react-i18next';
import { formatInstant } from '../lib/time';

export type RecordVersion = {
  version: number;
  recordedAt: string;
  actorName?: string | null;
  actorRole?: string | null;
  reason?: string | null;
  changes: { path: string; before?: unknown; after?: unknown }[];
};

const show = (v: unknown): string =>
  v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** A record's kept versions, newest first: who, when, why, and each changed field before → after. */
export function CorrectionHistory({
  title,
  versions,
  zone,
}: {
  title: string;
  versions: readonly RecordVersion[];
  zone: string;
}) {
  const { t } = useTranslation();
  if (versions.length === 0) return null;
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <ol className="history">
        {versions.map((v) => (
          <li key={v.version}>
            <strong>
              {v.changes.length === 0 ? t('history.recorded') : t('history.corrected')}
            </strong>{' '}
            {formatInstant(v.recordedAt, zone)}{' '}
            {t('history.by', { name: v.actorName ?? t('history.unknown') })}
            {v.actorRole ? ` (${v.actorRole.replace('_', ' ')})` : ''}
            {v.reason && <> · {t('history.reason', { reason: v.reason })}</>}
            {v.changes.length > 0 && (
              <ul>
                {v.changes.map((c) => (
                  <li key={c.path}>
                    <code>{c.path}</code>: {show(c.before)} → {show(c.after)}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
