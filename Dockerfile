# One image for every process of RAM-MS (see README "Operations"):
#   API       node dist/src/main.js          (the default command; port 3000)
#   worker    node dist/src/worker.js        (metrics and /health on METRICS_PORT 9464)
#   migrate   node dist/src/cli/migrate.js   (once per release, before API and worker)
#   wait      node dist/src/cli/migrate.js --wait   (init container: until migrated)
# Build: docker build -t ram-ms:0.1.0 .

# ---- build: every dependency, compile the TypeScript (tsc + tsc-alias) and the pages (vite)
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- production dependencies only (no ts-node, no TypeScript, no test tools)
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    METRICS_PORT=9464 \
    MIGRATE_ON_START=false
WORKDIR /app
# Owned by root, run as the unprivileged `node` user (uid 1000): the code cannot be changed at run time.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 3000 9464
# The API answers /health on PORT; the worker on METRICS_PORT (set HEALTH_PORT=9464 for it).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEALTH_PORT || process.env.PORT) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM goes straight to node (no npm, no shell), which shuts down gracefully.
CMD ["node", "dist/src/main.js"]
