# One image for every service; the compose file picks the service with SERVICE.
# syntax=docker/dockerfile:1

# build: the full install generates the Prisma clients (the Prisma CLI is a dev dependency)
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund

# runtime: production dependencies only, the generated clients from the build stage, non-root
FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY . .
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/prisma prisma
RUN chown -R node:node /app/node_modules/.cache 2>/dev/null || true
USER node
ARG SERVICE=web-bff
ENV SERVICE=${SERVICE}
# the V8 flags every service ships with (scripts/node-options.ts says why)
ENV NODE_OPTIONS="--max-semi-space-size=32"
EXPOSE 4000 4001 4002 4003 4004 4100
CMD ["sh", "-c", "exec node_modules/.bin/tsx scripts/start-service.ts \"$SERVICE\""]
