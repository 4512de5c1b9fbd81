/**
 * Human words for expectations: what is measured and what is expected. Used for default names and for
 * failure messages, so a report reads the same as the YAML the author wrote.
 */
import { formatDuration } from '../core/duration.ts';
import type { ExpectationSubject, Matcher } from './types.ts';

function instant(ms: number): string {
  return ms === Infinity ? 'end' : formatDuration(ms);
}

function window(fromMs: number, toMs: number): string {
  return `[${instant(fromMs)}, ${instant(toMs)})`;
}

export function describeSubject(s: ExpectationSubject): string {
  switch (s.kind) {
    case 'count': {
      const who = s.client !== undefined ? `client ${s.client}` : 'all clients';
      const status = s.status !== undefined ? ` status ${s.status}` : '';
      return `count of ${who}${status} in ${window(s.fromMs, s.toMs)}`;
    }
    case 'status':
      return `status of request ${s.request}`;
    case 'upstream':
      return `upstream ${s.field} of request ${s.request}`;
    case 'body':
      return s.path ? `${s.path} in the body of request ${s.request}` : `body of request ${s.request}`;
    case 'decision':
      return `${s.field} of ${s.plugin} decision${s.phase ? ` in ${s.phase}` : ''} for request ${s.request}`;
    case 'header':
      return `${s.side} header ${s.name.toLowerCase()} of request ${s.request}`;
    case 'span':
      return `${s.field} of span ${s.name} of request ${s.request}`;
    case 'latency': {
      const who = s.client !== undefined ? `client ${s.client}` : 'all clients';
      return `p${s.percentile} ${s.measure} latency (ms) of ${who} in ${window(s.fromMs, s.toMs)}`;
    }
    case 'replica': {
      const unit = s.field === 'cpu' ? ' (% of the CPU limit)' : s.field === 'memory' ? ' (MiB)' : '';
      const stat = s.stat === 'mean' ? 'time-weighted mean' : s.stat === 'last' ? 'last sample of' : 'max';
      return `${stat} ${s.field}${unit} of ${s.replica ?? 'every replica'} in ${window(s.fromMs, s.toMs)}`;
    }
    case 'state':
      return `${s.plugin} state ${s.path} on ${s.replica} at ${formatDuration(s.atMs)}`;
    case 'transition': {
      const which = [s.from ? `from ${s.from}` : '', s.to ? `to ${s.to}` : '', s.subject ? `of ${s.subject}` : '', s.replica ? `on ${s.replica}` : ''].filter(Boolean).join(' ');
      const moves = `${s.machine} moves${which ? ` ${which}` : ''}`;
      if (s.field === 'count') return `number of ${moves}`;
      const nth = s.nth === 1 ? 'first' : `move #${s.nth} of the`;
      return s.field === 'at' ? `instant (ms) of the ${nth} ${moves}` : `${s.field} of the ${nth} ${moves}`;
    }
  }
}

/** A value as a report shows it: text in double quotes, numbers without float noise. */
export function formatValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(3)));
  if (typeof v === 'boolean' || v === null) return String(v);
  return JSON.stringify(v) ?? String(v);
}

export function describeMatcher(m: Matcher): string {
  if ('equals' in m) return formatValue(m.equals);
  if ('between' in m) return `between ${formatValue(m.between[0])} and ${formatValue(m.between[1])}`;
  if ('approx' in m) {
    const tol = m.relative ? `${formatValue(m.tolerance * 100)}%` : formatValue(m.tolerance);
    return `${formatValue(m.approx)} ± ${tol}`;
  }
  if ('absent' in m) return 'nothing (absent)';
  return `text containing ${formatValue(m.contains)}`;
}
