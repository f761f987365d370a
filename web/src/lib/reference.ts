import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { Site } from '../api/client';
import { useSession } from '../auth/session';
import { DEFAULT_ZONE } from './time';

/** Sites are reference data every role may read; cached for the session. */
export function useSites() {
  return useQuery({
    queryKey: ['sites'],
    queryFn: () => call(api.GET('/sites')),
    staleTime: 5 * 60_000,
  });
}

export function useSiteMap(): Map<string, Site> {
  const { data } = useSites();
  return new Map((data ?? []).map((s) => [s.id, s]));
}

/** The time zone dates are shown in for a site (the site's own). */
export function useZone(siteId: string | null | undefined): string {
  const map = useSiteMap();
  return (siteId && map.get(siteId)?.timeZone) || DEFAULT_ZONE;
}

/** Names of the staff of a site, to say who did what (roles that may read it only). */
export function useStaffNames(siteId: string | null | undefined): Map<string, string> {
  const { hasRole } = useSession();
  const allowed = hasRole('coordinator', 'investigator', 'site_staff', 'monitor', 'admin');
  const { data } = useQuery({
    queryKey: ['staff', siteId],
    queryFn: () =>
      call(api.GET('/sites/{siteId}/staff', { params: { path: { siteId: siteId as string } } })),
    enabled: !!siteId && allowed,
    staleTime: 5 * 60_000,
  });
  return new Map((data ?? []).map((s) => [s.id, s.displayName]));
}
