# One image for every service; the compose file picks the service with SERVICE.
# syntax=docker/dockerfile:1

# build: the full install generates the Prisma clients (the Prisma CLI is a dev dependency) and
# builds the storefront (Vite and the code generator are dev dependencies too)
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm run build:storefront

# runtime: production dependencies only, the generated clients from the build stage, non-root
FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY . .
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/prisma prisma
COPY --from=build /app/storefront/dist storefront/dist
RUN chown -R node:node /app/node_modules/.cache 2>/dev/null || true
USER node
ARG SERVICE=web-bff
ENV SERVICE=${SERVICE}
# the V8 flags every service ships with (scripts/node-options.ts says why)
ENV NODE_OPTIONS="--max-semi-space-size=64"
EXPOSE 3000 4000 4001 4002 4003 4004 4100
# node itself is the container's process, tsx only its loader: SIGTERM (graceful shutdown) and
# SIGHUP (the mobile BFF's trusted-document reload) reach the service, with no relay in between
CMD ["sh", "-c", "exec node --import tsx scripts/start-service.ts \"$SERVICE\""]
