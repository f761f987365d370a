import { useMutation } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { ErrorBox } from './ui';

/**
 * Opens the job-queue dashboard in a new tab: the API first sets a cookie pass for the dashboard's
 * path (a new tab cannot send this page's token), then the tab opens it.
 */
export function QueueDashboardButton() {
  const open = useMutation({
    mutationFn: () => call(api.POST('/auth/queue-dashboard', { body: {} })),
    onSuccess: (pass) => window.open(pass.path, '_blank', 'noopener'),
  });
  return (
    <>
      <button
        type="button"
        className="link"
        onClick={() => open.mutate()}
        disabled={open.isPending}
      >
        Job queues ↗
      </button>
      <ErrorBox error={open.error} />
    </>
  );
}
