/**
 * The lab's build. Relative base so lab-ui/dist works from any static host or a file server path;
 * the worker is an ES module so it can share chunks with nothing and load the engine on its own.
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labCatalogPlugin } from '../scripts/vite-plugin-lab-catalog.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The engine worker fetches each gateway dialect's adapter when a scenario needs it (engine/config/
 * adapter-registry.ts; the worker prepares them before it loads anything), so its build takes
 * adapters-on-demand.ts, which bundles none, where load-gateway.ts imports adapters-bundled.ts. The CLI
 * and the tests keep the static imports; only this build swaps the module.
 */
function adaptersOnDemand(): Plugin {
  const bundled = resolve(repoRoot, 'engine/config/adapters-bundled.ts');
  const onDemand = resolve(repoRoot, 'engine/config/adapters-on-demand.ts');
  return {
    name: 'gatelab-adapters-on-demand',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer && source.startsWith('.') && resolve(dirname(importer), source) === bundled) return onDemand;
      return undefined;
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  // The scenario catalog is built here, once, rather than by the worker at every start.
  plugins: [svelte({ configFile: false }), labCatalogPlugin(repoRoot)],
  // Scenarios live outside the Vite root; the glob in the worker reaches them through the fs allow list.
  server: { host: '127.0.0.1', fs: { allow: [repoRoot] } },
  preview: { host: '127.0.0.1' },
  // The worker is bundled separately and takes its own options.
  worker: { format: 'es', plugins: () => [labCatalogPlugin(repoRoot), adaptersOnDemand()], rolldownOptions: { checks: { bundlerTimings: false } } },
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
