import { defineConfig } from 'vite';

// The build is static and knows no URL: the BFF's address comes from /config.json at run time,
// written by whatever serves the files (scripts/storefront-server.ts). JSX is compiled by Vite's
// own Oxc transform with React's automatic runtime (no React plugin: its Babel peer range
// conflicts with jest 29's Babel in one install).
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: { outDir: 'dist', sourcemap: true, target: 'es2022' },
  server: { port: 3000 },
});
