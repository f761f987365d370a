import { MutationCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiError } from './api/client';
import { App } from './App';
import { SessionProvider } from './auth/session';
import './i18n';
import './styles.css';

const queryClient: QueryClient = new QueryClient({
  // Any write may change data queries: raising, answering, closing or re-opening one, and a save
  // of a record too (an edit check raises or resolves them, a correction links itself to the
  // query on its field). So after every successful write the queries on screen are read again
  // (a page reads its participant's queries in one request: lib/query-marks) before the write
  // counts as done.
  mutationCache: new MutationCache({
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['queries'] }),
  }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // Retry only what may pass next time (network, 5xx), never a 4xx answer.
      retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status < 500),
    },
  },
});

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter basename="/app">
        <SessionProvider>
          <App />
        </SessionProvider>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
