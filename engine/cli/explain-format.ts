/**
 * The text form of `gatelab explain`: a heading, one line per decision (and per wait) in aligned
 * columns, the outcome, then what the backend and the client got. The columns are as wide as the
 * longest entry shown, so a long stage name (response-ratelimiting) never pushes its reason out of line.
 */
import type { ExplainResult } from '../runtimes/sim/explain.ts';

/** The narrowest the columns get, so short tables look as they always did. */
const MIN_WIDTH = { stage: 12, phase: 8, verdict: 5 } as const;

export interface ExplainHeading {
  method: string;
  url: string;
  clientIp: string;
  /** Identical requests sent before this one. */
  repeat: number;
  /** Where and when, for --scenario ("at 5s in kong-bottleneck (overload)"). */
  when?: string;
}

export function formatExplain(input: ExplainHeading, r: ExplainResult): string {
  const lines = [heading(input, r)];
  const waits = r.waits ?? [];
  const rows = [
    ...r.decisions.map((d) => ({ stage: d.plugin, phase: d.phase, verdict: d.verdict })),
    ...waits.map((w) => ({ stage: 'wait', phase: w.for, verdict: '' })),
  ];
  const width = {
    stage: Math.max(MIN_WIDTH.stage, ...rows.map((x) => x.stage.length)),
    phase: Math.max(MIN_WIDTH.phase, ...rows.map((x) => x.phase.length)),
    verdict: Math.max(MIN_WIDTH.verdict, ...rows.map((x) => x.verdict.length)),
  };
  const row = (stage: string, phase: string, verdict: string, text: string): string =>
    `  ${stage.padEnd(width.stage)} ${phase.padEnd(width.phase)} ${verdict.padEnd(width.verdict)} ${text}`;
  // Waits on a saturated replica (a capacity model, --scenario) stand between the decisions they delayed.
  const waitsAfter = (n: number): void => {
    for (const w of waits) if (w.afterDecisions === n) lines.push(row('wait', w.for, '', w.text));
  };
  r.decisions.forEach((d, i) => {
    waitsAfter(i);
    lines.push(row(d.plugin, d.phase, d.verdict, d.reason));
  });
  waitsAfter(r.decisions.length);
  lines.push(outcome(r));
  if (r.upstream) {
    lines.push(`  upstream: ${r.upstream.method} ${r.upstream.path} (Host: ${r.upstream.host})`);
    for (const [n, v] of Object.entries(r.upstream.headers)) lines.push(`    ${n}: ${Array.isArray(v) ? v.join(' | ') : v}`);
  }
  lines.push('  response headers:');
  for (const [n, v] of Object.entries(r.response.headers)) lines.push(`    ${n}: ${Array.isArray(v) ? v.join(' | ') : v}`);
  if (r.response.body !== null && r.response.body !== '') lines.push(`  body: ${JSON.stringify(r.response.body)}`);
  return lines.join('\n');
}

function heading(input: ExplainHeading, r: ExplainResult): string {
  const after = input.repeat ? ` (after ${input.repeat} identical)` : '';
  const which = r.request ? `: request ${r.request.id}, sent at ${seconds(r.request.sentAtMs)}` : '';
  return `${input.method.toUpperCase()} ${input.url} from ${input.clientIp}${after}${which}${input.when ? ` ${input.when}` : ''}`;
}

function outcome(r: ExplainResult): string {
  const by = r.answeredBy;
  if (by) {
    const who = by.source === 'front' ? 'the front balancer' : by.source === 'client' ? 'the client itself' : 'the replica, without the pipeline';
    return `→ ${r.status} from ${who}: ${by.reason}`;
  }
  return `→ ${r.status}${r.route ? ` via route ${r.route}` : ''}${r.backend ? ` to ${r.backend}` : ''}`;
}

/** 5012 → "5.012 s": the send offset as a reader compares it with --at. */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
