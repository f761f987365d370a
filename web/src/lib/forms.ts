import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiError } from '../api/client';

/**
 * Puts the API's field-level messages on the form's fields (by dotted path, after stripping
 * `prefix`), and returns the messages no field shows, for a summary.
 */
export function applyServerErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly string[] | ((path: string) => boolean),
  prefix = '',
): string[] {
  if (!(error instanceof ApiError)) return [error instanceof Error ? error.message : String(error)];
  const byField = error.fieldErrors();
  const leftover: string[] = [];
  let placed = 0;
  for (const [path, message] of Object.entries(byField)) {
    const name = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    if (typeof fields === 'function' ? fields(name) : fields.includes(name)) {
      setError(name as Path<T>, { type: 'server', message }, { shouldFocus: placed === 0 });
      placed++;
    } else leftover.push(`${path}: ${message}`);
  }
  if (placed === 0 && leftover.length === 0) leftover.push(error.message);
  return leftover;
}
