/**
 * Every YAML file under scenarios/, shipped with the lab as its own small chunk and fetched only when
 * a scenario needs it, so the first load carries none of them and the lab still works offline from any
 * static host (the chunks sit beside the worker in lab-ui/dist/assets). Keys are repository-relative
 * paths (scenarios/rate-limiting/boundary-burst.yaml), the same paths the CLI is given.
 *
 * `BUNDLED_FILES` is a live map: it holds the texts fetched so far. The worker calls `prepareFiles`
 * before it answers a message, so the synchronous readers behind it find every file they ask for.
 */
import { loadScenarioText } from '../../../engine/scenario/load.ts';
import type { FileOverrides, ScenarioInfo, ToWorker } from './protocol.ts';

// Relative patterns: the Vite root is lab-ui/, and scenarios/ sits beside it at the repository root.
const lazyTexts = import.meta.glob<string>(['../../../scenarios/**/*.yaml', '../../../scenarios/**/*.yml', '../../../scenarios/**/*.json'], {
  query: '?raw',
  import: 'default',
});

const LOADERS: ReadonlyMap<string, () => Promise<string>> = new Map(
  Object.entries(lazyTexts).map(([path, load]) => [path.replace(/^(\.\.\/)+/, ''), load]),
);

const fetched = new Map<string, string>();

/** The texts fetched so far, by repository path; it grows as `prepareFiles` fetches more. */
export const BUNDLED_FILES: ReadonlyMap<string, string> = fetched;

/** Every path shipped with the lab, fetched or not. */
export function shippedPaths(): string[] {
  return [...LOADERS.keys()];
}

const clean = (path: string): string => path.replace(/^\.\//, '');

/** Fetches the given shipped files that are not here yet; paths the lab does not ship are ignored. */
export async function fetchFiles(paths: Iterable<string>): Promise<void> {
  const wanted = [...new Set([...paths].map(clean))].filter((p) => !fetched.has(p) && LOADERS.has(p));
  const texts = await Promise.all(wanted.map((p) => (LOADERS.get(p) as () => Promise<string>)()));
  wanted.forEach((p, i) => fetched.set(p, texts[i] as string));
}

/** Config files nest (a variant's overlay can name another file), so discovery repeats; this bounds it. */
const DISCOVERY_ROUNDS = 8;

/**
 * Fetches every shipped file a scenario reads, base and variants. The loader is the only one that knows
 * which files a scenario names, so it runs against what is here and the files it missed are fetched,
 * until it misses none. Edited texts (`overrides`) count as present.
 */
export async function fetchScenarioFiles(file: string, text: string | undefined, overrides: FileOverrides = {}): Promise<void> {
  await fetchFiles([file]);
  const entry = text ?? overrides[file] ?? fetched.get(clean(file));
  if (entry === undefined) return;
  for (let round = 0; round < DISCOVERY_ROUNDS; round++) {
    const missing = new Set<string>();
    try {
      loadScenarioText(entry, file, (path) => {
        const p = clean(path);
        const got = overrides[p] ?? fetched.get(p);
        if (got !== undefined) return got;
        if (LOADERS.has(p)) missing.add(p);
        throw new Error(`'${path}' is not fetched yet`);
      });
    } catch {
      // A crash here is reported by the real load that follows; discovery only wants the paths.
    }
    if (missing.size === 0) return;
    await fetchFiles(missing);
  }
}

/**
 * Fetches what answering `msg` will read. Messages this module does not know (modes added later)
 * get every shipped file: correct, and still off the first load.
 */
export async function prepareFiles(msg: ToWorker): Promise<void> {
  if (msg.type === 'catalog' || msg.type === 'cancel' || msg.type === 'decks') return;
  // An exercise fetches the scenarios it runs itself (lib/exercises/exercise-worker.ts).
  if (msg.type === 'exercise') return;
  if (msg.type === 'read') return fetchFiles(msg.paths);
  if (msg.type === 'describe') return fetchScenarioFiles(msg.file, msg.text, msg.files);
  if (msg.type === 'run') return fetchScenarioFiles(msg.scenarioFile, msg.text, msg.files);
  if ('scenarioFile' in msg && typeof msg.scenarioFile === 'string') {
    const files = 'files' in msg ? (msg.files as FileOverrides | undefined) : undefined;
    return fetchScenarioFiles(msg.scenarioFile, undefined, files);
  }
  return fetchFiles(LOADERS.keys());
}

/** The catalog built from scenarios/ when the lab was built (lab-ui/lab-catalog-plugin.ts), its own chunk. */
export async function shippedCatalog(): Promise<ScenarioInfo[]> {
  return (await import('virtual:gatelab-catalog')).SCENARIO_CATALOG;
}
