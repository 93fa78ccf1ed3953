import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is built to static files served by the app:// protocol (desktop) or the
// local server (browser mode); relative asset URLs work under both.
export default defineConfig({
  root: path.resolve(import.meta.dirname, 'renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2500,
    // No inline scripts or eval: the CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
  },
});
