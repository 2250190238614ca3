/**
 * The V8 flags every service process ships with (package.json `start:*` scripts, the Dockerfile's
 * NODE_OPTIONS, `npm run bench`'s processes). A young generation of 64 MiB semi-spaces instead of
 * Node 20's 16: a request's short-lived objects (parsed subgraph bodies, GraphQL results, rows)
 * die young instead of being promoted and collected by the expensive full GC, and scavenges come a
 * quarter as often (bench/README.md, "GC settings": 32 gave −8 to −24 % CPU per request, 64 another
 * −11 % on `browse`). It costs up to 2 × 64 MiB of heap per busy process, inside every memory limit
 * of deploy/kubernetes. Keep the three places in step (scripts/node-options.test.ts checks them).
 */
export const SERVICE_NODE_OPTIONS = ['--max-semi-space-size=64'];
