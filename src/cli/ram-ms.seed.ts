import type { EntityManager } from 'typeorm';
import type { Country, SiteRole } from 'src/modules/sites/site.entity';
import { DEFAULT_TRIAL_SETTINGS } from 'src/modules/trials/trial-settings';

type SeedSite = {
  code: string;
  name: string;
  country: Country;
  timeZone: string;
  roles: SiteRole[];
  /** Code of the transplant centre serving this site (same country). */
  centre: string;
};

/** docs/domain/ram-ms.md §1 "Countries and sites" (W3, W10, W13, W14, S003). */
export const RAM_MS_SITES: SeedSite[] = [
  {
    code: 'BER',
    name: 'Haukeland University Hospital (HUS), Bergen',
    country: 'NO',
    timeZone: 'Europe/Oslo',
    roles: ['screening', 'transplant_centre', 'central_assessment', 'arm_b_hospital'],
    centre: 'BER',
  },
  {
    code: 'TRO',
    name: 'University Hospital of North Norway (UNN), Tromsø',
    country: 'NO',
    timeZone: 'Europe/Oslo',
    roles: ['screening', 'arm_b_hospital'],
    centre: 'BER',
  },
  {
    code: 'TRD',
    name: 'St. Olavs Hospital, Trondheim',
    country: 'NO',
    timeZone: 'Europe/Oslo',
    roles: ['screening', 'arm_b_hospital'],
    centre: 'BER',
  },
  {
    code: 'AHU',
    name: 'Akershus University Hospital (Ahus), Lørenskog',
    country: 'NO',
    timeZone: 'Europe/Oslo',
    roles: ['screening', 'arm_b_hospital'],
    centre: 'BER',
  },
  {
    code: 'UPP',
    name: 'Akademiska sjukhuset, Uppsala',
    country: 'SE',
    timeZone: 'Europe/Stockholm',
    roles: ['screening', 'transplant_centre', 'arm_b_hospital'],
    centre: 'UPP',
  },
  {
    code: 'CPH',
    name: 'Rigshospitalet, Copenhagen',
    country: 'DK',
    timeZone: 'Europe/Copenhagen',
    roles: ['screening', 'transplant_centre', 'arm_b_hospital'],
    centre: 'CPH',
  },
  {
    code: 'AMS',
    name: 'Amsterdam UMC, location VUmc',
    country: 'NL',
    timeZone: 'Europe/Amsterdam',
    roles: ['screening', 'transplant_centre', 'arm_b_hospital'],
    centre: 'AMS',
  },
];

/**
 * Seeds the RAM-MS trial and its sites when the database has no trial. Returns false when a trial
 * exists already, so a second start never seeds twice. Runs under the migration advisory lock.
 */
export async function seedRamMs(em: EntityManager): Promise<boolean> {
  const existing: unknown[] = await em.query(`SELECT 1 FROM trials LIMIT 1`);
  if (existing.length > 0) {
    return false;
  }
  const [trial]: { id: string }[] = await em.query(
    `INSERT INTO trials (code, name, settings) VALUES ($1, $2, $3::jsonb) RETURNING id`,
    [
      'RAM-MS',
      'RAM-MS: Randomized Autologous heMatopoietic stem cell transplantation versus Alemtuzumab, Cladribine or Ocrelizumab for RRMS (NCT03477500)',
      JSON.stringify(DEFAULT_TRIAL_SETTINGS),
    ],
  );
  const capacity = DEFAULT_TRIAL_SETTINGS.scheduling.defaultQuarterlyCapacity;
  const ids = new Map<string, string>();
  // Centres first, so the others can point at them.
  const ordered = [...RAM_MS_SITES].sort(
    (a, b) => Number(b.code === b.centre) - Number(a.code === a.centre),
  );
  for (const s of ordered) {
    const [row]: { id: string }[] = await em.query(
      `INSERT INTO sites (trial_id, code, name, country_code, time_zone, roles, transplant_centre_id, default_quarterly_capacity)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        trial.id,
        s.code,
        s.name,
        s.country,
        s.timeZone,
        s.roles,
        ids.get(s.centre) ?? null,
        s.roles.includes('transplant_centre') ? capacity : 0,
      ],
    );
    ids.set(s.code, row.id);
    if (s.code === s.centre) {
      await em.query(`UPDATE sites SET transplant_centre_id = id WHERE id = $1`, [row.id]);
    }
  }
  await em.query(
    `INSERT INTO audit_log (occurred_at, actor_role, action, entity, entity_id, after, prev_hash, hash, seq)
     VALUES (now(), 'system', 'trial.seeded', 'trial', $1, $2::jsonb, '', '', 0)`,
    [
      trial.id,
      JSON.stringify({ code: 'RAM-MS', sites: RAM_MS_SITES.map((s) => `${s.country}-${s.code}`) }),
    ],
  );
  return true;
}
