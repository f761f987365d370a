import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call, type Schemas } from '../api/client';
import { useSession } from '../auth/session';
import { QueryView, Tag } from '../components/ui';

type Dictionary = Schemas['DictionaryDto'];
type Variable = Schemas['DictionaryVariableDto'];

/**
 * The codebook: the data dictionary of the exports (GET /exports/dictionary) grouped by dataset,
 * each variable with its stable name, label, type, unit and code list (number = label). Blinded
 * roles get the blinded dictionary from the API whatever they ask.
 */
export function Codebook() {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  const mayUnblind = !hasRole('blinded_assessor');
  const [blinded, setBlinded] = useState(false);
  const query = useQuery({
    queryKey: ['exports', 'dictionary', blinded],
    queryFn: () => call(api.GET('/exports/dictionary', { params: { query: { blinded } } })),
  });
  return (
    <>
      <h1>{t('codebook.title')}</h1>
      <p className="muted">{t('codebook.intro')}</p>
      {mayUnblind && (
        <label>
          <input type="checkbox" checked={blinded} onChange={(e) => setBlinded(e.target.checked)} />{' '}
          {t('codebook.blindedToggle')}
        </label>
      )}
      <QueryView query={query} what={t('codebook.title')}>
        {(d) => <Datasets dictionary={d} />}
      </QueryView>
    </>
  );
}

function Datasets({ dictionary }: { dictionary: Dictionary }) {
  const { t } = useTranslation();
  const byName = new Map(dictionary.variables.map((v) => [v.name, v]));
  return (
    <>
      <p className="small">
        {t(dictionary.blinded ? 'codebook.isBlinded' : 'codebook.isFull', {
          version: dictionary.version,
          variables: dictionary.variables.length,
          datasets: dictionary.datasets.length,
        })}
      </p>
      <p className="small">
        <strong>{t('codebook.codeRule')}</strong> {dictionary.codeRule}
      </p>
      <nav aria-label={t('codebook.datasets')}>
        <ul>
          {dictionary.datasets.map((ds) => (
            <li key={ds.name}>
              <a href={`#ds-${ds.name}`}>
                <code>{ds.name}</code>
              </a>{' '}
              {ds.label}
            </li>
          ))}
        </ul>
      </nav>
      {dictionary.datasets.map((ds) => (
        <section key={ds.name} aria-labelledby={`ds-${ds.name}`} data-dataset={ds.name}>
          <h2 id={`ds-${ds.name}`}>
            <code>{ds.name}</code>: {ds.label}
          </h2>
          <p className="small muted">
            {t('codebook.rowPer', { unit: t(`codebook.unit.${ds.rowPer}`) })}{' '}
            {t('codebook.keys', { keys: ds.keys.join(', ') })}
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('codebook.col.name')}</th>
                  <th scope="col">{t('codebook.col.label')}</th>
                  <th scope="col">{t('codebook.col.type')}</th>
                  <th scope="col">{t('codebook.col.unit')}</th>
                  <th scope="col">{t('codebook.col.codes')}</th>
                </tr>
              </thead>
              <tbody>
                {ds.variables.map((name) => {
                  const v = byName.get(name);
                  return v ? <Row key={name} variable={v} /> : null;
                })}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </>
  );
}

function Row({ variable: v }: { variable: Variable }) {
  const { t } = useTranslation();
  return (
    <tr data-variable={v.name}>
      <th scope="row">
        <code>{v.name}</code>
      </th>
      <td>
        {v.label} {v.key && <Tag>{t('codebook.key')}</Tag>}
        {v.derived && <Tag>{t('codebook.derived')}</Tag>}
        {v.revealsArm && <Tag tone="warn">{t('codebook.revealsArm')}</Tag>}
      </td>
      <td>
        {t(`codebook.type.${v.type}`)}
        {v.multiple && ` (${t('codebook.multiple')})`}
      </td>
      <td>{v.unit ?? ''}</td>
      <td>
        {v.codes && (
          <ul className="codes">
            {v.codes.map((c) => (
              <li key={c.code}>
                {c.code} = {c.label} <code className="small muted">{c.value}</code>
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
