import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import { QueryView } from '../components/ui';

/** Source-data verification progress per site and per participant, within the actor's sites. */
export function SdvProgress() {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ['verification', 'progress'],
    queryFn: () => call(api.GET('/verification/progress')),
  });
  return (
    <>
      <h1>{t('verification.progressTitle')}</h1>
      <p className="muted">{t('verification.progressIntro')}</p>
      <QueryView query={query} what={t('verification.progressTitle')}>
        {(p) =>
          p.records === 0 ? (
            <p className="muted">{t('verification.noRecords')}</p>
          ) : (
            <>
              <p>
                <strong>
                  {t('verification.total', {
                    verified: p.verified,
                    records: p.records,
                    percent: p.percent,
                  })}
                </strong>
              </p>
              <section aria-labelledby="sdv-sites-h">
                <h2 id="sdv-sites-h">{t('verification.bySite')}</h2>
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('verification.site')}</th>
                        <th scope="col">{t('verification.participants')}</th>
                        <th scope="col">{t('verification.records')}</th>
                        <th scope="col">{t('verification.verifiedCount')}</th>
                        <th scope="col">{t('verification.percent')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {p.sites.map((s) => (
                        <tr key={s.siteId}>
                          <td>{s.siteLabel}</td>
                          <td>{s.participants}</td>
                          <td>{s.records}</td>
                          <td>{s.verified}</td>
                          <td>
                            <meter min={0} max={100} value={s.percent} /> {s.percent}%
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
              <section aria-labelledby="sdv-participants-h">
                <h2 id="sdv-participants-h">{t('verification.byParticipant')}</h2>
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('verification.participant')}</th>
                        <th scope="col">{t('verification.site')}</th>
                        <th scope="col">{t('verification.records')}</th>
                        <th scope="col">{t('verification.verifiedCount')}</th>
                        <th scope="col">{t('verification.percent')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {p.participants.map((r) => (
                        <tr key={r.participantId}>
                          <td>
                            <Link to={`/participants/${r.participantId}#sdv-h`}>
                              {r.studyId ?? r.participantId.slice(0, 8)}
                            </Link>
                          </td>
                          <td>{r.siteLabel}</td>
                          <td>{r.records}</td>
                          <td>{r.verified}</td>
                          <td>{r.percent}%</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
            </>
          )
        }
      </QueryView>
    </>
  );
}
