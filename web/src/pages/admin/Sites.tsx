import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { api, call } from '../../api/client';
import type { Site } from '../../api/client';
import { ErrorBox, Field, QueryView, Tag } from '../../components/ui';
import { applyServerErrors } from '../../lib/forms';
import { humanise } from '../../lib/labels';
import { useSites } from '../../lib/reference';

/** Sites (roles, time zone, centre served by) and each transplant centre's capacity per quarter. */
export function AdminSites() {
  const sites = useSites();
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <h1>Sites and capacity</h1>
      <QueryView query={sites} what="sites">
        {(list) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Site</th>
                  <th scope="col">Roles</th>
                  <th scope="col">Time zone</th>
                  <th scope="col">Transplant centre</th>
                  <th scope="col">Default places / quarter</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={s.id}>
                    <th scope="row">
                      {s.label} · {s.name}
                      <div>
                        <button
                          type="button"
                          className="secondary small row-action"
                          onClick={() => setOpen(open === s.id ? null : s.id)}
                          aria-expanded={open === s.id}
                        >
                          {open === s.id ? 'Close' : `Change ${s.label}`}
                        </button>
                      </div>
                    </th>
                    <td>{s.roles.map(humanise).join(', ')}</td>
                    <td>{s.timeZone}</td>
                    <td>{list.find((c) => c.id === s.transplantCentreId)?.label ?? '—'}</td>
                    <td>
                      {s.roles.includes('transplant_centre') ? s.defaultQuarterlyCapacity : '—'}
                    </td>
                    <td>
                      {s.active ? <Tag tone="ok">active</Tag> : <Tag tone="bad">inactive</Tag>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
      {open && sites.data && (
        <SiteEditor key={open} site={sites.data.find((s) => s.id === open) as Site} />
      )}
    </>
  );
}

type SiteForm = {
  name: string;
  timeZone: string;
  defaultQuarterlyCapacity: number;
  active: boolean;
  reason: string;
};

function SiteEditor({ site }: { site: Site }) {
  const qc = useQueryClient();
  const [left, setLeft] = useState<string[]>([]);
  const { register, handleSubmit, setError, formState } = useForm<SiteForm>({
    defaultValues: {
      name: site.name,
      timeZone: site.timeZone,
      defaultQuarterlyCapacity: site.defaultQuarterlyCapacity,
      active: site.active,
      reason: '',
    },
  });
  const save = useMutation({
    mutationFn: (v: SiteForm) =>
      call(
        api.PATCH('/sites/{id}', {
          params: { path: { id: site.id } },
          body: {
            name: v.name,
            timeZone: v.timeZone,
            active: v.active,
            ...(site.roles.includes('transplant_centre')
              ? { defaultQuarterlyCapacity: Number(v.defaultQuarterlyCapacity) }
              : {}),
            ...(v.reason ? { reason: v.reason } : {}),
          },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['sites'] }),
    onError: (e) =>
      setLeft(
        applyServerErrors<SiteForm>(e, setError, [
          'name',
          'timeZone',
          'defaultQuarterlyCapacity',
          'reason',
        ]),
      ),
  });
  return (
    <section className="panel" aria-labelledby="site-h">
      <h2 id="site-h" style={{ marginTop: 0 }}>
        {site.label}
      </h2>
      <form onSubmit={handleSubmit((v) => (setLeft([]), save.mutate(v)))} noValidate>
        <div className="grid">
          <Field label="Name" error={formState.errors.name?.message}>
            {(c) => <input {...c} {...register('name', { required: 'Enter the name' })} />}
          </Field>
          <Field label="Time zone (IANA)" error={formState.errors.timeZone?.message}>
            {(c) => <input {...c} {...register('timeZone', { required: 'Enter the time zone' })} />}
          </Field>
          {site.roles.includes('transplant_centre') && (
            <Field
              label="Default transplant places per quarter"
              error={formState.errors.defaultQuarterlyCapacity?.message}
            >
              {(c) => (
                <input
                  {...c}
                  type="number"
                  min={0}
                  max={100}
                  {...register('defaultQuarterlyCapacity')}
                />
              )}
            </Field>
          )}
          <Field label="Reason for the change (audited)" error={formState.errors.reason?.message}>
            {(c) => <input {...c} {...register('reason')} />}
          </Field>
        </div>
        <label>
          <input type="checkbox" {...register('active')} /> Active
        </label>
        <div style={{ marginTop: '0.75rem' }}>
          <button type="submit" disabled={save.isPending}>
            Save site
          </button>
        </div>
        {left.length > 0 && <ErrorBox error={new Error(left.join('; '))} title="Not saved" />}
        {save.isSuccess && (
          <div className="alert ok" role="status">
            Saved.
          </div>
        )}
      </form>
      {site.roles.includes('transplant_centre') && <CapacityEditor site={site} />}
    </section>
  );
}

function CapacityEditor({ site }: { site: Site }) {
  const qc = useQueryClient();
  const [values, setValues] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const query = useQuery({
    queryKey: ['capacity', site.id],
    queryFn: () => call(api.GET('/sites/{id}/capacity', { params: { path: { id: site.id } } })),
  });
  const save = useMutation({
    mutationFn: ({ quarter, capacity }: { quarter: string; capacity: number }) =>
      call(
        api.PUT('/sites/{id}/capacity/{quarter}', {
          params: { path: { id: site.id, quarter } },
          body: { capacity, ...(reason ? { reason } : {}) },
        }),
      ),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['capacity', site.id] });
      await qc.invalidateQueries({ queryKey: ['centre', site.id] });
    },
  });
  return (
    <>
      <h3>Transplant places per quarter</h3>
      <Field label="Reason for a change (audited)">
        {(c) => <input {...c} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <QueryView query={query} what="capacity">
        {(rows) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Quarter</th>
                  <th scope="col">Places</th>
                  <th scope="col">Set</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.quarter}>
                    <th scope="row">{r.quarter}</th>
                    <td>
                      <label className="visually-hidden" htmlFor={`cap-${r.quarter}`}>
                        Places in {r.quarter}
                      </label>
                      <input
                        id={`cap-${r.quarter}`}
                        type="number"
                        min={0}
                        max={100}
                        style={{ maxWidth: '6rem' }}
                        value={values[r.quarter] ?? String(r.capacity)}
                        onChange={(e) => setValues((v) => ({ ...v, [r.quarter]: e.target.value }))}
                      />
                      {r.overridden && (
                        <span className="small muted"> (differs from the default)</span>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="secondary"
                        disabled={save.isPending || values[r.quarter] === undefined}
                        onClick={() =>
                          save.mutate({ quarter: r.quarter, capacity: Number(values[r.quarter]) })
                        }
                      >
                        Set {r.quarter}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
      <ErrorBox error={save.error} title="Capacity not changed" />
    </>
  );
}
