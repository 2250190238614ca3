/**
 * The V8 flags every service process ships with (package.json `start:*` scripts, the Dockerfile's
 * NODE_OPTIONS, `npm run bench`'s processes). A young generation of 32 MiB semi-spaces instead of
 * Node 20's 16: a request's short-lived objects (parsed subgraph bodies, GraphQL results, Prisma
 * rows) die young instead of being promoted and collected by the expensive full GC
 * (bench/README.md, "GC settings" for what it measured). Keep the three places in step
 * (scripts/node-options.test.ts checks them).
 */
export const SERVICE_NODE_OPTIONS = ['--max-semi-space-size=32'];
