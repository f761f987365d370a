import { defineConfig } from 'vite';

/** API route prefixes, proxied to the API by `npm run web:dev` (the built app is served by the API itself). */
const API = [
  '/auth',
  '/users',
  '/sites',
  '/trial',
  '/audit',
  '/notifications',
  '/scheduling',
  '/participants',
  '/screening-log',
  '/follow-up',
  '/drafts',
  '/reports',
  '/randomization',
  '/allocations',
  '/public',
  '/health',
  '/docs',
];

export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // No source maps in a production build (the API also refuses *.map when NODE_ENV=production).
    sourcemap: process.env.NODE_ENV !== 'production',
    target: 'es2022',
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      // React Query marks its hooks "use client" (for React Server Components): meaningless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  server: {
    port: 5173,
    proxy: Object.fromEntries(
      API.map((p) => [
        p,
        { target: process.env.API_URL ?? 'http://localhost:3000', changeOrigin: false },
      ]),
    ),
  },
});
