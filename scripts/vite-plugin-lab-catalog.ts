/**
 * A Vite plugin that serves the build-time scenario catalog (scripts/lab-catalog.ts) to the worker as
 * the module `virtual:gatelab-catalog`. The catalog is built in a child process, only when the module
 * is asked for: the Vite config then stays free of the engine (every `vite` command would otherwise
 * bundle it just to read the config), and the dev server always builds with the engine as it is now.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Plugin } from 'vite';

export const CATALOG_MODULE = 'virtual:gatelab-catalog';
const RESOLVED = `\0${CATALOG_MODULE}`;
const SHIPPED = /\.(ya?ml|json)$/;

function buildModule(root: string): string {
  try {
    return execFileSync(process.execPath, ['--import', 'tsx', join('scripts', 'lab-catalog.ts'), '--module'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? String(e);
    throw new Error(`GL_E_CATALOG: building the scenario catalog failed (try: npx tsx scripts/lab-catalog.ts):\n${stderr}`);
  }
}

/** `root` is the repository root; in dev, a changed file under scenarios/ rebuilds the catalog on next use. */
export function labCatalogPlugin(root: string): Plugin {
  const scenariosDir = join(root, 'scenarios');
  let cached: string | undefined;
  // The dev server watches scenarios/ itself (configureServer below). There, a watch file added in
  // `load` becomes an import of the module, and a directory cannot be resolved as one.
  let serving = false;
  return {
    name: 'gatelab-catalog',
    resolveId: (id) => (id === CATALOG_MODULE ? RESOLVED : undefined),
    load(id) {
      if (id !== RESOLVED) return undefined;
      if (!serving) this.addWatchFile(scenariosDir);
      cached ??= buildModule(root);
      return cached;
    },
    configureServer(server) {
      serving = true;
      server.watcher.add(scenariosDir);
      server.watcher.on('all', (_event, path) => {
        if (!path.startsWith(scenariosDir) || !SHIPPED.test(path)) return;
        cached = undefined;
        const mod = server.moduleGraph.getModuleById(RESOLVED);
        if (mod) server.moduleGraph.invalidateModule(mod);
      });
    },
  };
}
