import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The operator panel. Everything is bundled (plants have no internet): no CDN, no web fonts.
 * `npm run build` runs `vite build --config ui/vite.config.ts`; the server serves ui/dist at /.
 * `vite --config ui/vite.config.ts` serves it for development, proxying the API to a running demo.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [solid()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // uPlot is ~50 KB: a warning at the default 500 KB would only mean something else grew.
    chunkSizeWarningLimit: 400,
    sourcemap: true,
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.JSSCADA_API ?? 'http://localhost:8080', changeOrigin: false } },
  },
});
