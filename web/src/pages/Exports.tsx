import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, getBlob, type Schemas } from '../api/client';
import { useSession, useUser } from '../auth/session';
import { ErrorBox, Pager, QueryView, Tag } from '../components/ui';
import { useZone } from '../lib/reference';
import { formatInstant } from '../lib/time';

type Export = Schemas['ExportDto'];
type Format = 'csv' | 'odm' | 'dataset-json';

const FORMATS: { id: Format; label: string; hint: string }[] = [
  { id: 'csv', label: 'CSV', hint: 'One file per dataset, with R, SAS, SPSS and Stata scripts' },
  { id: 'odm', label: 'CDISC ODM 1.3.2', hint: 'XML for archiving (trial master file)' },
  { id: 'dataset-json', label: 'CDISC Dataset-JSON 1.1', hint: 'One dataset per form' },
];

const running = (e: Export) => e.status === 'queued' || e.status === 'running';

/** The R, SAS, SPSS and Stata scripts beside the CSV files: they hold no rows. */
const SCRIPT = /\.(R|sas|sps|do)$/;
/** Saves a file of an export (fetched with the session's token) under its own name. */
async function save(id: string, name: string): Promise<void> {
  const blob = await getBlob(`/exports/${id}/files/${encodeURIComponent(name)}`);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

/**
 * Exports: choose a format and options, start, watch the progress, download the files, and see
 * past exports with the SHA-256 of each file. The sites are your scope; blinded roles always get
 * blinded exports.
 */
export function Exports() {
  const qc = useQueryClient();
  const user = useUser();
  const zone = useZone(user.siteIds[0]);
  const { hasRole } = useSession();
  const alwaysBlinded = hasRole('blinded_assessor');
  const [format, setFormat] = useState<Format>('csv');
  const [blinded, setBlinded] = useState(false);
  const [days, setDays] = useState(false);
  const [archival, setArchival] = useState(false);
  const [page, setPage] = useState(1);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const list = useQuery({
    queryKey: ['exports', page],
    queryFn: () => call(api.GET('/exports', { params: { query: { page, pageSize: 20 } } })),
    // Poll while an export runs: its progress bar moves.
    refetchInterval: (q) => (q.state.data?.items.some(running) ? 1000 : false),
  });
  const start = useMutation({
    mutationFn: () =>
      call(
        api.POST('/exports', {
          body: {
            format,
            blinded: alwaysBlinded || blinded,
            datesAs: days ? 'days' : 'calendar',
            ...(format === 'odm' && archival ? { archival: true } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setPage(1);
      return qc.invalidateQueries({ queryKey: ['exports'] });
    },
  });
  return (
    <>
      <h1>Exports</h1>
      <p className="muted">
        Exports hold the participants of the sites in your scope, read as one consistent snapshot.
        Identity data is never exported. Each file&rsquo;s SHA-256 lets anyone check a copy.
      </p>
      <form
        className="panel export-form"
        onSubmit={(e) => {
          e.preventDefault();
          start.mutate();
        }}
      >
        <fieldset className="choices">
          <legend>Format</legend>
          {FORMATS.map((f) => (
            <label key={f.id}>
              <input
                type="radio"
                name="format"
                value={f.id}
                checked={format === f.id}
                onChange={() => setFormat(f.id)}
              />{' '}
              {f.label} <span className="small muted">{f.hint}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="choices">
          <legend>Options</legend>
          <label>
            <input
              type="checkbox"
              checked={alwaysBlinded || blinded}
              disabled={alwaysBlinded}
              onChange={(e) => setBlinded(e.target.checked)}
            />{' '}
            {/* A blinded assessor's exports are always blinded; the page names no arm to them. */}
            {alwaysBlinded
              ? 'Blinded (always, for your role)'
              : 'Blinded (nothing that reveals the arm)'}
          </label>
          <label>
            <input type="checkbox" checked={days} onChange={(e) => setDays(e.target.checked)} />{' '}
            Dates as days since randomisation
          </label>
          {format === 'odm' && (
            <label>
              <input
                type="checkbox"
                checked={archival}
                onChange={(e) => setArchival(e.target.checked)}
              />{' '}
              Archival (with the full audit trail)
            </label>
          )}
        </fieldset>
        <ErrorBox error={start.error} title="Could not start the export" />
        <button type="submit" disabled={start.isPending}>
          Start export
        </button>
      </form>
      <h2>Your exports</h2>
      <ErrorBox error={downloadError} title="Could not download the file" />
      <QueryView query={list} what="exports">
        {(data) =>
          data.items.length === 0 ? (
            <p className="muted">You have not exported anything yet.</p>
          ) : (
            <>
              <ul className="exports">
                {data.items.map((e) => (
                  <li key={e.id} className="panel">
                    <p>
                      <strong>{FORMATS.find((f) => f.id === e.format)?.label ?? e.format}</strong>{' '}
                      {e.options.blinded && <Tag>blinded</Tag>}{' '}
                      {e.options.datesAs === 'days' && <Tag>days</Tag>}{' '}
                      {e.options.archival && <Tag>archival</Tag>}{' '}
                      <span className="small muted">
                        asked {formatInstant(e.createdAt, zone)}
                        {e.snapshotAt ? `, snapshot ${formatInstant(e.snapshotAt, zone)}` : ''}
                      </span>
                    </p>
                    {running(e) && (
                      <label>
                        {e.status === 'queued' ? 'Waiting' : 'Exporting'}: {e.progress}%{' '}
                        <progress max={100} value={e.progress} aria-label="Export progress">
                          {e.progress}%
                        </progress>
                      </label>
                    )}
                    {e.status === 'failed' && <Tag tone="bad">failed: {e.error}</Tag>}
                    {e.status === 'done' && (
                      <div className="table-wrap">
                        <table>
                          <thead>
                            <tr>
                              <th scope="col">File</th>
                              <th scope="col">Rows</th>
                              <th scope="col">SHA-256</th>
                            </tr>
                          </thead>
                          <tbody>
                            {e.files.map((f) => (
                              <tr key={f.name}>
                                <td>
                                  <button
                                    type="button"
                                    className="link"
                                    onClick={() => {
                                      setDownloadError(null);
                                      save(e.id, f.name).catch(setDownloadError);
                                    }}
                                  >
                                    {f.name}
                                  </button>
                                </td>
                                <td>{SCRIPT.test(f.name) ? 'script' : f.rows}</td>
                                <td>
                                  <code className="hash">{f.sha256}</code>
                                </td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </div>
                    )}
                  </li>
                ))}
              </ul>
              <Pager
                page={data.page}
                pageSize={data.pageSize}
                total={data.total}
                onPage={setPage}
              />
            </>
          )
        }
      </QueryView>
    </>
  );
}
