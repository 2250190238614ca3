# One image for every service; the compose file picks the service with SERVICE.
# syntax=docker/dockerfile:1
FROM node:20.20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/service-kit/package.json packages/service-kit/
COPY packages/events/package.json packages/events/
COPY packages/bff/package.json packages/bff/
COPY subgraphs/catalog/package.json subgraphs/catalog/
COPY subgraphs/cart/package.json subgraphs/cart/
COPY subgraphs/discount/package.json subgraphs/discount/
COPY subgraphs/order/package.json subgraphs/order/
COPY gateways/web-bff/package.json gateways/web-bff/
COPY gateways/mobile-bff/package.json gateways/mobile-bff/
COPY scripts/generate-prisma-clients.mjs scripts/
COPY prisma prisma
# full install once to generate the Prisma clients (the CLI is a dev dependency)
RUN npm ci --no-audit --no-fund

FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=deps /app/packages packages
COPY --from=deps /app/subgraphs subgraphs
COPY --from=deps /app/gateways gateways
COPY scripts/generate-prisma-clients.mjs scripts/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=deps /app/prisma prisma
COPY . .
USER node
ARG SERVICE=web-bff
ENV SERVICE=${SERVICE}
EXPOSE 4000 4001 4002 4003 4004 4100
CMD ["sh", "-c", "exec node_modules/.bin/tsx scripts/start-service.ts \"$SERVICE\""]
