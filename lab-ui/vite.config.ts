/**
 * The lab's build. Relative base so lab-ui/dist works from any static host or a file server path;
 * the worker is an ES module so it can share chunks with nothing and load the engine on its own.
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { labCatalogPlugin } from '../scripts/vite-plugin-lab-catalog.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  // The scenario catalog is built here, once, rather than by the worker at every start.
  plugins: [svelte({ configFile: false }), labCatalogPlugin(repoRoot)],
  // Scenarios live outside the Vite root; the glob in the worker reaches them through the fs allow list.
  server: { host: '127.0.0.1', fs: { allow: [repoRoot] } },
  preview: { host: '127.0.0.1' },
  // The worker is bundled separately and takes its own options.
  worker: { format: 'es', plugins: () => [labCatalogPlugin(repoRoot)], rolldownOptions: { checks: { bundlerTimings: false } } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
    chunkSizeWarningLimit: 2000,
    // The timing report is for bundler authors; `npm start` should print the address, not that.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
