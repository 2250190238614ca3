import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The build is static and knows no URL: the BFF's address comes from /config.json at run time,
// written by whatever serves the files (scripts/storefront-server.ts).
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: true, target: 'es2022', chunkSizeWarningLimit: 600 },
  server: { port: 3000 },
});
