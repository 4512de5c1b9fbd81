/**
 * The lab's scenario catalog, built once when the lab is built instead of in the browser at every
 * start: loading all the scenarios (YAML, schema, every variant's configs) takes seconds, and the
 * answer only changes when a file under scenarios/ does. scripts/vite-plugin-lab-catalog.ts runs this
 * file with --module and serves its output to the worker as `virtual:gatelab-catalog`.
 *
 *   npx tsx scripts/lab-catalog.ts            # each entry's file, id, variants and error count
 *   npx tsx scripts/lab-catalog.ts --module   # the module text the lab ships
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioInfo } from '../lab-ui/src/worker/protocol.ts';
import { buildCatalog } from '../lab-ui/src/worker/run-session.ts';

/** The files the lab ships from scenarios/ (scenario-files.ts fetches the same set). */
export const SHIPPED = /\.(ya?ml|json)$/;

/** Every file the lab ships from `<root>/scenarios`, by repository path with forward slashes. */
export function readScenarioFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (SHIPPED.test(entry.name)) files.set(relative(root, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(join(root, 'scenarios'));
  return files;
}

export function buildLabCatalog(root: string): ScenarioInfo[] {
  return buildCatalog(readScenarioFiles(root));
}

/**
 * The module text: plain data, what the Node loader produced minus the narration texts. Those are
 * half the catalog's bytes (≈ 16 KB of the first load, gzipped) and a card never shows them; a run
 * reads them from the scenario text it fetches anyway and the trace carries them to the page as
 * `narration` events, which is where the player takes its captions from.
 */
export function catalogModule(catalog: readonly ScenarioInfo[]): string {
  return `export const SCENARIO_CATALOG = ${JSON.stringify(catalog.map(withoutNarration))};\n`;
}

function withoutNarration(info: ScenarioInfo): ScenarioInfo {
  return { ...info, narration: [] };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = process.hrtime.bigint();
  const catalog = buildLabCatalog(process.cwd());
  if (process.argv.includes('--module')) process.stdout.write(catalogModule(catalog));
  else {
    for (const s of catalog) {
      const errors = s.diagnostics.filter((d) => d.severity === 'error').length;
      console.log(`${s.file}  ${s.id}  [${s.variants.map((v) => v.name).join(', ')}]${errors ? `  ${errors} error(s)` : ''}`);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`${catalog.length} scenarios, ${(catalogModule(catalog).length / 1024).toFixed(1)} KB of module text, built in ${ms.toFixed(0)} ms`);
  }
}
