import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import { ErrorBox } from './ui';

/**
 * "Subscribe in your calendar app": makes a private feed address for Outlook, Google or Apple
 * calendars and shows it this once (the server keeps only a hash of its secret).
 */
export function CalendarSubscribe({
  kind,
  siteId,
}: {
  kind: 'visits' | 'admissions';
  siteId: string;
}) {
  const [copied, setCopied] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      kind === 'visits'
        ? call(
            api.POST('/follow-up/sites/{siteId}/calendar-feeds', {
              params: { path: { siteId } },
              body: {},
            }),
          )
        : call(
            api.POST('/scheduling/centres/{centreId}/calendar-feeds', {
              params: { path: { centreId: siteId } },
              body: {},
            }),
          ),
  });
  const address = create.data ? `${window.location.origin}${create.data.path}` : null;
  return (
    <div className="panel" data-testid={`calendar-subscribe-${kind}`}>
      {!address ? (
        <button
          type="button"
          className="secondary"
          onClick={() => create.mutate()}
          disabled={create.isPending}
        >
          Subscribe in your calendar app
        </button>
      ) : (
        <>
          <p>
            Add this address to Outlook, Google or Apple Calendar (&ldquo;subscribe from
            URL&rdquo;). It is shown only now. Anyone holding it sees this calendar as you do, so
            keep it private; revoke it under{' '}
            <Link to="/calendar-feeds">Calendar subscriptions</Link>.
          </p>
          <div className="row">
            <input
              aria-label="Calendar address"
              readOnly
              value={address}
              size={60}
              onFocus={(e) => e.target.select()}
            />
            <button
              type="button"
              className="secondary"
              onClick={() =>
                void navigator.clipboard?.writeText(address).then(() => setCopied(true))
              }
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
            <a href={address.replace(/^https?:/, 'webcal:')}>Open in calendar app</a>
          </div>
        </>
      )}
      <ErrorBox error={create.error} />
    </div>
  );
}
