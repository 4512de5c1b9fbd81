/**
 * What a person would share lives in the URL hash: scenario, variants, seed, time and the selected
 * request. Hash rather than query so any static host serves the same index.html for every state.
 *   #s=boundary-burst&v=base,same-window&seed=7&t=62000&req=same-window/burster-101&tab=inspector
 * `chart` is the chart every panel shows (`rates`, `limiter`, `latency`): a stable id a link (a
 * flashcard) can open, e.g. `#s=kong-bottleneck&v=base,overload&chart=latency`.
 */
export interface UrlState {
  scenario?: string;
  variants?: string[];
  seed?: number;
  t?: number;
  req?: { variant: string; id: string };
  tab?: string;
  chart?: string;
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
  return out;
}

export function formatHash(state: UrlState): string {
  const parts: string[] = [];
  const enc = (s: string): string => encodeURIComponent(s).replace(/%2C/g, ',').replace(/%2F/g, '/');
  if (state.scenario) parts.push(`s=${enc(state.scenario)}`);
  if (state.variants?.length) parts.push(`v=${enc(state.variants.join(','))}`);
  if (state.seed !== undefined) parts.push(`seed=${state.seed}`);
  if (state.t !== undefined) parts.push(`t=${Math.round(state.t * 1000) / 1000}`);
  if (state.req) parts.push(`req=${enc(`${state.req.variant}/${state.req.id}`)}`);
  if (state.tab) parts.push(`tab=${enc(state.tab)}`);
  if (state.chart) parts.push(`chart=${enc(state.chart)}`);
  return parts.length ? `#${parts.join('&')}` : '';
}
