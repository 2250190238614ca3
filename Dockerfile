# syntax=docker/dockerfile:1
# One image for every service; the compose file and the Kubernetes manifests pick the service with
# SERVICE. Built and run by `npm run test:containers` (scripts/containers/).

# manifests: the package.json files and the lockfile only, so that the install below is rebuilt
# only when dependencies change, not on every source change
FROM node:20.20-bookworm-slim AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete && find . -type d -empty -delete

# build: the full install generates the Prisma clients (the Prisma CLI is a dev dependency), makes
# the embedded PostgreSQL template and builds the storefront (Vite and the code generator are dev
# dependencies too); then the dev dependencies are pruned, with the optional peers npm keeps for
# them (scripts/containers/drop-dev-optional.mjs), so the runtime stage copies only what runs.
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY --from=manifests /app /app
# A TLS-intercepting proxy's CA, when the build needs one, comes in as a build secret
# (`--secret id=ca,src=/etc/ssl/certs/ca-certificates.crt`): used by this stage's npm only, never
# written to a layer, and never in the runtime stage. Install scripts wait for the sources (the
# root's postinstall generates the Prisma clients from them); no dependency's own script is needed.
RUN --mount=type=secret,id=ca --mount=type=cache,target=/root/.npm \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
 && npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run postinstall \
 && npm run build:storefront \
 && npm prune --omit=dev --no-audit --no-fund \
 && node scripts/containers/drop-dev-optional.mjs \
 && rm -rf storefront/src storefront/node_modules docs bench e2e coverage \
 && find . -path ./node_modules -prune -o -name '*.test.ts' -print0 | xargs -0 rm -f

# runtime: production dependencies and the sources tsx runs, owned by root (the service cannot
# change its own code), run as the unprivileged `node` user
FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
# The only paths a service writes: DATA_DIR (embedded mode's PGlite folders, when DATABASE_URL is
# unset) and the temporary folder (tsx's compile cache). With a read-only root file system, mount
# both (compose: tmpfs /tmp; Kubernetes: emptyDir volumes).
RUN mkdir -p /data && chown node:node /data
ENV DATA_DIR=/data
VOLUME ["/data"]
USER node
ARG SERVICE=web-bff
ENV SERVICE=${SERVICE}
# the V8 flags every service ships with (scripts/node-options.ts says why)
ENV NODE_OPTIONS="--max-semi-space-size=64"
EXPOSE 3000 4000 4001 4002 4003 4004 4005 4090 4100
# scripts/healthcheck.mjs asks the service's own /health/ready (its port from SERVICE)
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=12 CMD ["node", "scripts/healthcheck.mjs"]
# node itself is the container's process, tsx only its loader: SIGTERM (graceful shutdown) and
# SIGHUP (the mobile BFF's trusted-document reload) reach the service, with no relay in between
CMD ["sh", "-c", "exec node --import tsx scripts/start-service.ts \"$SERVICE\""]
