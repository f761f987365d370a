import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { api, ApiError, call } from '../api/client';
import { ConfirmDialog, ErrorBox, Field, QueryView, Tag } from '../components/ui';
import { formatInstant } from '../lib/time';

type Env = 'production' | 'test';

/** The statistician's page: configuration and go-live commitment, balance, verification, simulation. */
export function Statistics() {
  const [env, setEnv] = useState<Env>('production');
  return (
    <>
      <h1>Randomisation</h1>
      <Field label="Environment">
        {(c) => (
          <select {...c} value={env} onChange={(e) => setEnv(e.target.value as Env)}>
            <option value="production">Production</option>
            <option value="test">Test</option>
          </select>
        )}
      </Field>
      <Config env={env} />
      <Balance env={env} />
      <Verify env={env} />
      <Simulate />
    </>
  );
}

type ConfigForm = {
  armA: string;
  armB: string;
  ratioA: number;
  ratioB: number;
  blockSizes: string;
  strata: 'country' | 'site' | 'country,site';
};

function Config({ env }: { env: Env }) {
  const qc = useQueryClient();
  const [confirm, setConfirm] = useState(false);
  const query = useQuery({
    queryKey: ['randomization', 'config', env],
    queryFn: async () => {
      try {
        return await call(
          api.GET('/randomization/config/{environment}', {
            params: { path: { environment: env } },
          }),
        );
      } catch (e) {
        if (e instanceof ApiError && e.code === 'RANDOMIZATION_NOT_CONFIGURED') return null;
        throw e;
      }
    },
  });
  const commitments = useQuery({
    queryKey: ['randomization', 'commitment'],
    queryFn: () => call(api.GET('/randomization/commitment')),
  });
  const save = useMutation({
    mutationFn: (v: ConfigForm) =>
      call(
        api.PUT('/randomization/config/{environment}', {
          params: { path: { environment: env } },
          body: {
            arms: [
              { code: 'A', label: v.armA, ratio: Number(v.ratioA) },
              { code: 'B', label: v.armB, ratio: Number(v.ratioB) },
            ],
            blockSizes: v.blockSizes.split(/[ ,]+/).filter(Boolean).map(Number),
            strataFactors: v.strata.split(',') as ('country' | 'site')[],
          },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['randomization'] }),
  });
  const goLive = useMutation({
    mutationFn: () =>
      call(
        api.POST('/randomization/config/{environment}/go-live', {
          params: { path: { environment: env } },
        }),
      ),
    onSuccess: async () => {
      setConfirm(false);
      await qc.invalidateQueries({ queryKey: ['randomization'] });
    },
  });
  const form = useForm<ConfigForm>({
    defaultValues: {
      armA: 'aHSCT',
      armB: 'Best available high-efficacy DMT',
      ratioA: 1,
      ratioB: 1,
      blockSizes: '2, 4',
      strata: 'country',
    },
  });
  return (
    <section aria-labelledby="cfg-h">
      <h2 id="cfg-h">Configuration and commitment</h2>
      <QueryView query={query} what="the configuration">
        {(c) => (
          <>
            {c?.config ? (
              <div className="panel">
                <p>
                  {c.live ? (
                    <Tag tone="ok">live since {formatInstant(c.liveAt)}</Tag>
                  ) : (
                    <Tag tone="warn">not live</Tag>
                  )}{' '}
                  Algorithm {c.config.algorithm}; arms{' '}
                  {c.config.arms.map((a) => `${a.code} “${a.label}” (${a.ratio})`).join(', ')};
                  block sizes {c.config.blockSizes.join(', ')}; strata{' '}
                  {c.config.strataFactors.join(' × ')}.
                </p>
                {c.commitment && (
                  <p className="small">
                    Commitment (SHA-256 of seed and configuration, recorded at go-live):{' '}
                    <code style={{ wordBreak: 'break-all' }}>{c.commitment}</code>
                  </p>
                )}
              </div>
            ) : (
              <p className="muted">Not configured yet.</p>
            )}
            {!c?.live && (
              <form
                onSubmit={form.handleSubmit((v) => save.mutate(v))}
                noValidate
                className="panel"
                aria-label="Configure"
              >
                <div className="grid">
                  <Field label="Arm A label">
                    {(x) => <input {...x} {...form.register('armA', { required: true })} />}
                  </Field>
                  <Field label="Arm A ratio">
                    {(x) => (
                      <input {...x} type="number" min={1} max={10} {...form.register('ratioA')} />
                    )}
                  </Field>
                  <Field label="Arm B label">
                    {(x) => <input {...x} {...form.register('armB', { required: true })} />}
                  </Field>
                  <Field label="Arm B ratio">
                    {(x) => (
                      <input {...x} type="number" min={1} max={10} {...form.register('ratioB')} />
                    )}
                  </Field>
                  <Field label="Block sizes" hint="Multiples of the ratio sum, e.g. 2, 4">
                    {(x) => <input {...x} {...form.register('blockSizes')} />}
                  </Field>
                  <Field label="Stratify by">
                    {(x) => (
                      <select {...x} {...form.register('strata')}>
                        <option value="country">Country</option>
                        <option value="site">Site</option>
                        <option value="country,site">Country and site</option>
                      </select>
                    )}
                  </Field>
                </div>
                <button type="submit" disabled={save.isPending}>
                  Save configuration
                </button>{' '}
                {c?.config && (
                  <button type="button" className="danger" onClick={() => setConfirm(true)}>
                    Go live…
                  </button>
                )}
                <ErrorBox error={save.error} title="Not saved" />
              </form>
            )}
            <ConfirmDialog
              open={confirm}
              danger
              title={`Take ${env} randomisation live?`}
              confirmLabel="Go live"
              busy={goLive.isPending}
              onConfirm={() => goLive.mutate()}
              onCancel={() => setConfirm(false)}
            >
              <p>
                The configuration is locked and its commitment is written to the audit trail. This
                cannot be undone.
              </p>
              <ErrorBox error={goLive.error} />
            </ConfirmDialog>
          </>
        )}
      </QueryView>
      {commitments.data && commitments.data.length > 0 && (
        <p className="small muted">
          Every role sees the commitments:{' '}
          {commitments.data
            .map((x) => `${x.environment} ${x.live ? 'live' : 'not live'}`)
            .join(', ')}
          .
        </p>
      )}
    </section>
  );
}

function Balance({ env }: { env: Env }) {
  const query = useQuery({
    queryKey: ['randomization', 'balance', env],
    queryFn: () =>
      call(api.GET('/randomization/balance', { params: { query: { environment: env } } })),
  });
  return (
    <section aria-labelledby="bal-h">
      <h2 id="bal-h">Balance per stratum</h2>
      <QueryView query={query} what="the balance">
        {(rows) =>
          rows.length === 0 ? (
            <p className="muted">No allocations yet.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Stratum</th>
                    <th scope="col">Allocated</th>
                    <th scope="col">Per arm</th>
                    <th scope="col">Imbalance</th>
                    <th scope="col">Blocks completed</th>
                    <th scope="col">Warnings</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.stratumKey}>
                      <th scope="row">{r.stratumKey}</th>
                      <td>{r.total}</td>
                      <td>
                        {Object.entries(r.countsByArm)
                          .map(([a, n]) => `${a}: ${n}`)
                          .join(', ')}
                      </td>
                      <td>{r.imbalance}</td>
                      <td>{r.completedBlocks}</td>
                      <td>{r.warnings.join('; ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </section>
  );
}

function Verify({ env }: { env: Env }) {
  const [run, setRun] = useState(0);
  const query = useQuery({
    queryKey: ['randomization', 'verify', env, run],
    queryFn: () =>
      call(api.GET('/randomization/verify', { params: { query: { environment: env } } })),
  });
  return (
    <section aria-labelledby="ver-h">
      <h2 id="ver-h">Verification</h2>
      <p className="small">
        Recomputes every allocation from the sealed seed and checks the go-live commitment.
      </p>
      <QueryView query={query} what="the verification">
        {(v) => (
          <div className={`alert ${v.ok ? 'ok' : 'error'}`} role="status">
            {v.ok ? 'Verified' : 'Problems found'}: {v.checked} allocation(s) checked; commitment{' '}
            {v.commitmentOk ? 'matches' : 'does NOT match'}.
            {v.issues.length > 0 && (
              <pre className="small">{JSON.stringify(v.issues, null, 2)}</pre>
            )}
          </div>
        )}
      </QueryView>
      <button type="button" className="secondary" onClick={() => setRun((n) => n + 1)}>
        Verify again
      </button>
    </section>
  );
}

function Simulate() {
  const [n, setN] = useState(100);
  const sim = useMutation({
    mutationFn: () => call(api.POST('/randomization/simulate', { body: { participants: n } })),
  });
  return (
    <section aria-labelledby="sim-h">
      <h2 id="sim-h">Simulation</h2>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          sim.mutate();
        }}
      >
        <Field label="Participants to simulate">
          {(c) => (
            <input
              {...c}
              type="number"
              min={1}
              max={100000}
              value={n}
              onChange={(e) => setN(Number(e.target.value))}
            />
          )}
        </Field>
        <div className="field">
          <button type="submit" disabled={sim.isPending}>
            Simulate the trial design
          </button>
        </div>
      </form>
      <ErrorBox error={sim.error} />
      {sim.data && (
        <div className="panel" aria-live="polite">
          <p>
            Largest imbalance in a stratum: {sim.data.maxImbalance} (theoretical maximum{' '}
            {sim.data.theoreticalMaxImbalance}); pooled {sim.data.maxPooledImbalance}. A guesser who
            knows the design predicts {(sim.data.predictability.share * 100).toFixed(0)}% of
            allocations (theory {sim.data.theoreticalPredictability.perAllocation.text}, chance{' '}
            {sim.data.chanceLevel * 100}%).
          </p>
          <ul>
            {sim.data.strata.map((s) => (
              <li key={s.stratumKey}>
                {s.stratumKey}: {s.participants} participants,{' '}
                {Object.entries(s.countsByArm)
                  .map(([a, k]) => `${a} ${k}`)
                  .join(' / ')}
                , final imbalance {s.finalImbalance}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
