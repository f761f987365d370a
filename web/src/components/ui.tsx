import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from '@tanstack/react-table';
import type { UseQueryResult } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { QueryFlag, useQueriesOn } from '../lib/query-marks';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p role="status" aria-live="polite" className="muted">
      {what}…
    </p>
  );
}

/** An error from the API (message, field messages, code) or anything else, announced. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const message =
    api?.status === 403
      ? 'Your role may not see or do this.'
      : api?.status === 404
        ? 'Not found, or not at one of your sites.'
        : error instanceof Error
          ? error.message
          : String(error);
  return (
    <div className="alert error" role="alert">
      <strong>{title ?? 'Something went wrong'}:</strong> {message}
      {api && api.errors.length > 1 && (
        <ul>
          {api.errors.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      )}
      {api && <div className="small muted">Code {api.code}</div>}
    </div>
  );
}

/** Loading and error states for a query; children render only with data. */
export function QueryView<T>({
  query,
  what,
  children,
}: {
  query: UseQueryResult<T>;
  what?: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading what={what ? `Loading ${what}` : 'Loading'} />;
  if (query.isError)
    return <ErrorBox error={query.error} title={what ? `Could not load ${what}` : undefined} />;
  return <>{children(query.data)}</>;
}

export type FieldControl = { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string };

/**
 * A labelled form field: label, optional hint, the control, and its error (linked by aria). With
 * `mark` (the field's path in its record, e.g. `samples[bloods].taken`) inside <QueryMarks>, an
 * unresolved data query on it is shown next to the field and described to the control.
 */
export function Field({
  label,
  hint,
  error,
  mark,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  mark?: string;
  children: (control: FieldControl) => ReactNode;
}) {
  const id = useId();
  const queries = useQueriesOn(mark);
  const describedBy =
    [
      queries.length > 0 ? `${id}-query` : null,
      hint ? `${id}-hint` : null,
      error ? `${id}-error` : null,
    ]
      .filter(Boolean)
      .join(' ') || undefined;
  return (
    <div className={queries.length > 0 ? 'field queried' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <QueryFlag id={`${id}-query`} queries={queries} />
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': describedBy })}
      {error && (
        <div className="error" id={`${id}-error`}>
          {error}
        </div>
      )}
    </div>
  );
}

/** A yes/no/unknown radio group for nullable booleans. */
export function Choices({
  legend,
  name,
  options,
  value,
  onChange,
  error,
  hint,
}: {
  legend: ReactNode;
  name: string;
  options: { value: string; label: string }[];
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: ReactNode;
}) {
  const id = useId();
  return (
    <fieldset
      aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
      aria-invalid={!!error}
    >
      <legend>{legend}</legend>
      {hint && (
        <p className="hint small muted" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="choices">
        {options.map((o) => (
          <label key={o.value}>
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
            />
            {o.label}
          </label>
        ))}
      </div>
      {error && (
        <div className="error" id={`${id}-error`}>
          {error}
        </div>
      )}
    </fieldset>
  );
}

/** A confirmation in a modal <dialog> (focus moves in, Escape cancels). */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  busy,
  danger,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  danger?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={id} onCancel={(e) => (e.preventDefault(), onCancel())}>
      <h2 id={id}>{title}</h2>
      {children}
      <div className="row" style={{ marginTop: '1rem' }}>
        <button
          type="button"
          className={danger ? 'danger' : undefined}
          onClick={onConfirm}
          disabled={busy}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

/** A table (TanStack Table): sortable headers as buttons, a caption, horizontal scroll when narrow. */
export function DataTable<T>({
  data,
  columns,
  caption,
  empty = 'Nothing to show.',
  initialSort,
}: {
  data: T[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: ColumnDef<T, any>[];
  caption?: ReactNode;
  empty?: string;
  initialSort?: SortingState;
}) {
  const [sorting, setSorting] = useState<SortingState>(initialSort ?? []);
  const table = useReactTable({
    data,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  if (data.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div className="table-wrap">
      <table>
        {caption && <caption>{caption}</caption>}
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => {
                const sorted = h.column.getIsSorted();
                return (
                  <th
                    key={h.id}
                    scope="col"
                    aria-sort={
                      sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                    }
                  >
                    {h.isPlaceholder ? null : h.column.getCanSort() ? (
                      <button
                        type="button"
                        className="sort"
                        onClick={h.column.getToggleSortingHandler()}
                      >
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
                      </button>
                    ) : (
                      flexRender(h.column.columnDef.header, h.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Pager({
  page,
  pageSize,
  total,
  onPage,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (p: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pager" aria-label="Pages">
      <button
        type="button"
        className="secondary"
        disabled={page <= 1}
        onClick={() => onPage(page - 1)}
      >
        Previous
      </button>
      <span>
        Page {page} of {pages} ({total} in all)
      </span>
      <button
        type="button"
        className="secondary"
        disabled={page >= pages}
        onClick={() => onPage(page + 1)}
      >
        Next
      </button>
    </nav>
  );
}

export function Tag({ tone, children }: { tone?: 'ok' | 'bad' | 'warn'; children: ReactNode }) {
  return <span className={`tag ${tone ?? ''}`}>{children}</span>;
}
