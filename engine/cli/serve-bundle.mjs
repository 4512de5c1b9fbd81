// `gatelab serve` runs from one esbuild bundle of engine/cli/serve-entry.ts instead of through tsx:
// tsx compiles with keepNames, so every function expression created per request paid a `__name`
// call (2–3 % of the proxy's CPU), and its loader thread and hooks cost start-up time. The bundle
// lives in node_modules/.cache/gatelab/ and is rebuilt when any file that went into it is newer than
// the build. Plain JavaScript on purpose: it runs before tsx is registered.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY = join(ROOT, 'engine', 'cli', 'serve-entry.ts');
export const SERVE_BUNDLE_DIR = join(ROOT, 'node_modules', '.cache', 'gatelab');
const MANIFEST = join(SERVE_BUNDLE_DIR, 'serve-manifest.json');

/**
 * The manifest names the current bundle and every source file that went into it, with the time the
 * build started: a source modified after that makes the bundle stale. Missing or unreadable → stale.
 */
function freshBundle() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    statSync(join(SERVE_BUNDLE_DIR, manifest.bundle));
  } catch {
    return undefined;
  }
  for (const input of manifest.inputs) {
    try {
      if (statSync(join(ROOT, input)).mtimeMs > manifest.builtAt) return undefined;
    } catch {
      return undefined;
    }
  }
  return join(SERVE_BUNDLE_DIR, manifest.bundle);
}

/**
 * Builds the bundle: npm packages stay imports (resolved from node_modules as before), our TypeScript
 * is compiled into one file without keepNames, with a linked source map so stack traces name our .ts
 * files. The file name carries a hash of its text and the manifest is written last by rename, so
 * processes starting at the same time (cluster workers, parallel tests) never read half a build.
 */
async function build() {
  const { build: esbuild } = await import('esbuild');
  const builtAt = Date.now();
  const result = await esbuild({
    entryPoints: [ENTRY],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    write: false,
    outfile: join(SERVE_BUNDLE_DIR, 'serve.mjs'),
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.mjs'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (!js || !map) throw new Error('esbuild returned no bundle');
  const name = `serve-${createHash('sha256').update(js.contents).digest('hex').slice(0, 16)}.mjs`;
  mkdirSync(SERVE_BUNDLE_DIR, { recursive: true });
  const text = js.text.replace(/\/\/# sourceMappingURL=serve\.mjs\.map\s*$/, `//# sourceMappingURL=${name}.map\n`);
  const tmp = `.${process.pid}`;
  writeFileSync(join(SERVE_BUNDLE_DIR, `${name}.map${tmp}`), map.contents);
  renameSync(join(SERVE_BUNDLE_DIR, `${name}.map${tmp}`), join(SERVE_BUNDLE_DIR, `${name}.map`));
  writeFileSync(join(SERVE_BUNDLE_DIR, `${name}${tmp}`), text);
  renameSync(join(SERVE_BUNDLE_DIR, `${name}${tmp}`), join(SERVE_BUNDLE_DIR, name));
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/'));
  writeFileSync(MANIFEST + tmp, JSON.stringify({ bundle: name, builtAt, inputs }));
  renameSync(MANIFEST + tmp, MANIFEST);
  removeOldBundles(name);
  return join(SERVE_BUNDLE_DIR, name);
}

/** Earlier builds are left by a rebuild; a process still running one has it loaded already. */
function removeOldBundles(keep) {
  for (const f of readdirSync(SERVE_BUNDLE_DIR)) {
    if (/^serve-[0-9a-f]{16}\.mjs(\.map)?$/.test(f) && !f.startsWith(keep)) rmSync(join(SERVE_BUNDLE_DIR, f), { force: true });
  }
}

/**
 * The path of an up-to-date serve bundle, building it when needed; undefined when it cannot be built
 * (no esbuild, a read-only node_modules), and then serve runs from source as before. With `strict`
 * the failure is thrown instead (tests that must prove the bundle ran).
 */
export async function serveBundle(strict = false) {
  const fresh = freshBundle();
  if (fresh) return fresh;
  try {
    return await build();
  } catch (e) {
    if (strict) throw e;
    process.stderr.write(`gatelab serve: could not bundle (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); running from source\n`);
    return undefined;
  }
}
