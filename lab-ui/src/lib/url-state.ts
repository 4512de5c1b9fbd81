/**
 * What a person would share lives in the URL hash: scenario, variants, seed, time and the selected
 * request. Hash rather than query so any static host serves the same index.html for every state.
 *   #s=boundary-burst&v=base,same-window&seed=7&t=62000&req=same-window/burster-101&tab=inspector
 * `chart` is the chart every panel shows (`rates`, `limiter`, `latency`): a stable id a link (a
 * flashcard) can open, e.g. `#s=kong-bottleneck&v=base,overload&chart=latency`.
 * `s` names a bundled scenario by its id and one of "Your scenarios" as `local:<file name>`.
 * `panel` is the variant the detail tabs describe when no request is selected (a request names its own).
 */
import { isLocal, LOCAL_DIR } from './editor/files.ts';

export interface UrlState {
  scenario?: string;
  variants?: string[];
  seed?: number;
  t?: number;
  req?: { variant: string; id: string };
  tab?: string;
  chart?: string;
  panel?: string;
}

export function parseHash(hash: string): UrlState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const out: UrlState = {};
  const s = params.get('s');
  if (s) out.scenario = s;
  const v = params.get('v');
  if (v) out.variants = v.split(',').filter(Boolean);
  const seed = params.get('seed');
  if (seed !== null && /^-?\d+$/.test(seed)) out.seed = Number(seed);
  const t = params.get('t');
  if (t !== null && Number.isFinite(Number(t)) && t !== '') out.t = Math.max(0, Number(t));
  const req = params.get('req');
  if (req) {
    const slash = req.indexOf('/');
    if (slash > 0) out.req = { variant: req.slice(0, slash), id: req.slice(slash + 1) };
  }
  const tab = params.get('tab');
  if (tab) out.tab = tab;
  const chart = params.get('chart');
  if (chart) out.chart = chart;
  const panel = params.get('panel');
  if (panel) out.panel = panel;
  return out;
}

export function formatHash(state: UrlState): string {
  const parts: string[] = [];
  const enc = (s: string): string => encodeURIComponent(s).replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3A/g, ':');
  if (state.scenario) parts.push(`s=${enc(state.scenario)}`);
  if (state.variants?.length) parts.push(`v=${enc(state.variants.join(','))}`);
  if (state.seed !== undefined) parts.push(`seed=${state.seed}`);
  if (state.t !== undefined) parts.push(`t=${shareableTime(state.t)}`);
  if (state.req) parts.push(`req=${enc(`${state.req.variant}/${state.req.id}`)}`);
  if (state.tab) parts.push(`tab=${enc(state.tab)}`);
  if (state.chart) parts.push(`chart=${enc(state.chart)}`);
  if (state.panel) parts.push(`panel=${enc(state.panel)}`);
  return parts.length ? `#${parts.join('&')}` : '';
}

/**
 * A time for the URL, to the microsecond, never earlier than `t`. Events of the capacity scenarios
 * fall between milliseconds (12:00:08.190366): a link rounded to 8190 opened one request short of
 * the step it was copied at. Rounding up keeps that event inside the shared instant; a time already
 * on a microsecond stays as it is, so a link read and written again does not creep.
 */
export function shareableTime(t: number): number {
  const us = t * 1000;
  // Compared as the numbers the URL will carry: 8190.366 * 1000 is 8190366.000000001 in floating point.
  const near = Math.round(us) / 1000;
  if (near >= t) return near;
  const up = Math.ceil(us) / 1000;
  return up >= t ? up : (Math.ceil(us) + 1) / 1000;
}

/**
 * A local scenario (opened or written in this browser) may reuse a bundled scenario's id, and two
 * local ones may share an id; their file names are unique. So the URL names a local scenario by file,
 * in its own namespace, and a bundled id always opens the bundled scenario.
 */
export const LOCAL_SCENARIO_PREFIX = 'local:';

/** The `s` a scenario goes by in a URL. */
export function scenarioUrlKey(s: { id: string; file: string }): string {
  return isLocal(s.file) ? LOCAL_SCENARIO_PREFIX + s.file.slice(LOCAL_DIR.length).replace(/\.ya?ml$/i, '') : s.id;
}

/**
 * The catalog entry a URL's `s` (or the lab's own file path) names: `local:` only ever a local
 * scenario; a plain id the bundled one first, then a file path, then a local scenario by id (links
 * written before local scenarios had their namespace).
 */
export function findScenario<T extends { id: string; file: string }>(catalog: readonly T[], key: string): T | undefined {
  if (key.startsWith(LOCAL_SCENARIO_PREFIX)) return catalog.find((s) => isLocal(s.file) && scenarioUrlKey(s) === key);
  return catalog.find((s) => s.id === key && !isLocal(s.file)) ?? catalog.find((s) => s.file === key) ?? catalog.find((s) => s.id === key);
}

/** What a person whose link names no scenario in this lab is told. */
export function missingScenarioNotice(key: string): string {
  if (!key.startsWith(LOCAL_SCENARIO_PREFIX)) return `The link names a scenario '${key}' that this lab does not have.`;
  const name = key.slice(LOCAL_SCENARIO_PREFIX.length);
  return `The link opens '${name}', one of someone's own scenarios. Those are kept only in the browser they were written in, so it is not here: ask for the file and open it with "Open your own scenario file".`;
}
