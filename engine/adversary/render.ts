/**
 * The counterexample as a scenario file: the scenario as written (with the attacked variant's patch
 * applied), its clients replaced by the attacker sending the shrunk schedule, an expectation that the
 * claim breaks, and a caption saying how it was found. `gatelab run` and `check` and the lab load it.
 */
import { stringify } from 'yaml';
import { formatDuration } from '../core/duration.ts';
import { isPlainObject } from '../scenario/merge-patch.ts';
import { patchSource } from '../scenario/variants.ts';
import type { RateClaim } from './claim.ts';
import { responseWindow } from './response-window.ts';
import type { Counterexample, SearchResult } from './search.ts';
import type { AttackTarget } from './target.ts';

export interface RenderOptions {
  /** Rewrites a config file path (relative to the original scenario) for where the text will live. */
  rebasePath?: (path: string) => string;
  /** The modeline's schema path; `gatelab check` finds scenario files by this line. */
  schemaPath?: string;
}

export const DEFAULT_SCHEMA_PATH = '../../engine/scenario/scenario.schema.json';

type Raw = Record<string, unknown>;

export function renderCounterexample(target: AttackTarget, result: SearchResult, found: Counterexample, opts: RenderOptions = {}): string {
  const { claim } = result;
  const doc = writtenScenario(target);
  const original = Array.isArray(doc.clients) ? (doc.clients as unknown[]).find((c) => isPlainObject(c) && c.id === target.client.id) : undefined;
  const client: Raw = isPlainObject(original) ? { id: original.id, ip: original.ip, request: original.request } : { id: target.client.id, ip: target.client.ip };
  client.traffic = trafficOf(found.schedule);

  const window = found.confirmed;
  const answered = responseWindow(claim, found.simulation.events, target.client.id, window);
  const span = `[${formatDuration(answered.fromMs)}, ${formatDuration(answered.toMs)})`;
  const name = answered.claimLength
    ? `claim "${claim.text}" broken: ${answered.count} responses ${answered.status} in ${span}`
    : `claim "${claim.text}" broken: ${window.count} admitted in one ${claim.windowText} window; their ${answered.count} responses ${answered.status} end in ${span}, spread by backend latency`;
  const id = String(doc.id ?? target.scenario.id);
  const out: Raw = {
    id: `${id}-attack`,
    title: `Attack on "${String(doc.title ?? id)}": ${window.count} admitted where "${claim.text}" allows ${claim.max}`,
    topic: doc.topic,
    summary: summaryOf(target, result, found),
    ...withoutKeys(doc, ['id', 'title', 'topic', 'summary', 'clients', 'narration', 'expect', 'variants', 'verify']),
    // An expectation may not name an instant after the run; stretch the run to cover the window.
    ...(answered.toMs > target.scenario.durationMs ? { duration: formatDuration(Math.ceil(answered.toMs / 1000) * 1000) } : {}),
    clients: [client],
    narration: [{ at: formatDuration(Math.min(window.startMs, target.scenario.durationMs)), text: narrationOf(claim, found) }],
    expect: [{ name, count: { client: target.client.id, status: answered.status, from: formatDuration(answered.fromMs), to: formatDuration(answered.toMs) }, equals: answered.count }],
  };
  if (opts.rebasePath) rebaseConfigPaths(out, opts.rebasePath);
  const header = [
    `# yaml-language-server: $schema=${opts.schemaPath ?? DEFAULT_SCHEMA_PATH}`,
    `# Found by gatelab attack: variant ${target.variant}, client ${target.client.id}, claim "${claim.text}", seed ${result.seed}.`,
  ];
  return `${header.join('\n')}\n${stringify(out, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** The file as written, with the variant's patch applied: what the attacked run loaded. */
function writtenScenario(target: AttackTarget): Raw {
  const source = target.scenario.source;
  if (!source) throw new Error('the attacked scenario carries no parsed source; load it with loadScenario');
  const patched = target.variant === 'base' ? source : patchSource(source, target.variant);
  if ('diagnostics' in patched) throw new Error(`variant '${target.variant}' no longer patches: ${patched.diagnostics[0]?.message ?? ''}`);
  return JSON.parse(JSON.stringify(patched.value)) as Raw;
}

/** Equal instants become one burst; lone instants run together into `at:` lists. */
export function trafficOf(schedule: readonly number[]): Raw[] {
  const items: Raw[] = [];
  let singles: string[] = [];
  const flush = (): void => {
    if (singles.length > 0) items.push({ at: singles });
    singles = [];
  };
  for (let i = 0; i < schedule.length; ) {
    const t = schedule[i] as number;
    let j = i;
    while (j < schedule.length && schedule[j] === t) j++;
    if (j - i === 1) singles.push(formatDuration(t));
    else {
      flush();
      items.push({ burst: { at: formatDuration(t), count: j - i } });
    }
    i = j;
  }
  flush();
  return items;
}

function summaryOf(target: AttackTarget, result: SearchResult, found: Counterexample): string {
  const how = `${result.runs} schedule${result.runs === 1 ? '' : 's'} tried, then shrunk in ${result.shrinks} step${result.shrinks === 1 ? '' : 's'}`;
  return (
    `A counterexample to "${result.claim.text}" found by gatelab attack against variant ${target.variant} of ` +
    `${target.scenario.id} (seed ${result.seed}, ${how}). One client sends ${found.schedule.length} requests; the gateway admits ` +
    `${found.confirmed.count} of them within one ${result.claim.windowText} window.`
  );
}

function narrationOf(claim: RateClaim, found: Counterexample): string {
  const end = found.confirmed.startMs + claim.windowMs;
  return (
    `From ${formatDuration(found.confirmed.startMs)} to just before ${formatDuration(end)} the gateway admits ` +
    `${found.confirmed.count} requests, ${found.confirmed.count - claim.max} more than "${claim.text}" allows. ` +
    `Each admission was the limiter's own decision; the schedule is the smallest the search could shrink it to.`
  );
}

function withoutKeys(doc: Raw, keys: readonly string[]): Raw {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !keys.includes(k)));
}

/** `gateway.files`/`overlays`, and those of config events, are relative to the scenario file. */
function rebaseConfigPaths(doc: Raw, rebase: (path: string) => string): void {
  const fix = (gateway: unknown): void => {
    if (!isPlainObject(gateway)) return;
    for (const key of ['files', 'overlays']) {
      const list = gateway[key];
      if (Array.isArray(list)) gateway[key] = list.map((p) => (typeof p === 'string' ? rebase(p) : p));
    }
  };
  fix(doc.gateway);
  if (Array.isArray(doc.events)) for (const ev of doc.events) if (isPlainObject(ev)) fix(ev.config ?? (isPlainObject(ev.deploy) ? ev.deploy.gateway : undefined));
}
