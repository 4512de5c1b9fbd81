/**
 * Primary or canary for one request, in ingress-nginx's order (semantics §8): the header, then the
 * cookie, then the weight. A finished rollout overrides all three, as Flagger does when it resets
 * the route: rolled back means the primary only, promoted means the canary only.
 */
import { weightPct } from '../../machines/rollout/format.ts';
import type { RolloutStatus } from '../../machines/rollout/plan.ts';
import type { HeaderMap } from '../../pipeline/headers.ts';
import { cookieValue } from '../kit/query.ts';
import type { CanaryRolloutConfig } from './config.ts';

export type Backend = 'primary' | 'canary';

export interface Choice {
  backend: Backend;
  /** What decided: the finished rollout, the header, the cookie, or the weighted draw. */
  by: 'rollout' | 'header' | 'cookie' | 'weight';
  reason: string;
  draw?: number;
}

/** The rollout as the decision sees it. */
export interface RolloutView {
  status: RolloutStatus;
  /** 0-based index of the step. */
  step: number;
  steps: number;
  weight: number;
  /** The reason of the change that ended the rollout, for promoted and rolled back. */
  ending?: string;
}

function forced(config: CanaryRolloutConfig, headers: HeaderMap): Choice | { note: string } {
  const notes: string[] = [];
  const h = config.header;
  const sent = h ? headers.get(h.name) : undefined;
  if (h && sent !== undefined) {
    if (h.value !== undefined) {
      // canary-by-header-value: an exact match forces the canary; anything else falls through.
      if (sent === h.value) return { backend: 'canary', by: 'header', reason: `${h.name}: ${sent} equals "${h.value}" → canary` };
      notes.push(`${h.name}: ${sent} ≠ "${h.value}"`);
    } else if (sent === 'always' || sent === 'never') {
      const backend = sent === 'always' ? 'canary' : 'primary';
      return { backend, by: 'header', reason: `${h.name}: ${sent} → ${backend}` };
    } else {
      notes.push(`${h.name}: ${sent} is neither always nor never`);
    }
  }
  if (config.cookie !== undefined) {
    const value = cookieValue(headers.getAll('cookie'), config.cookie);
    if (value === 'always' || value === 'never') {
      const backend = value === 'always' ? 'canary' : 'primary';
      return { backend, by: 'cookie', reason: `cookie ${config.cookie}=${value} → ${backend}` };
    }
    if (value !== undefined) notes.push(`cookie ${config.cookie}=${value} is neither always nor never`);
  }
  return { note: notes.length ? `${notes.join(', ')}, so the weight decides: ` : '' };
}

export function choose(config: CanaryRolloutConfig, headers: HeaderMap, view: RolloutView, draw: () => number): Choice {
  if (view.status === 'rolledBack') return { backend: 'primary', by: 'rollout', reason: view.ending ?? 'rolled back: every request goes to the primary' };
  if (view.status === 'promoted') return { backend: 'canary', by: 'rollout', reason: view.ending ?? 'promoted: every request goes to the canary' };
  const f = forced(config, headers);
  if ('backend' in f) return f;
  const share = view.weight / 100;
  const where = `canary step ${view.step + 1} of ${view.steps} (${weightPct(view.weight)}${view.status === 'paused' ? ', paused: too few canary requests to judge' : ''})`;
  // No draw at the ends, like ingress-nginx: weight 0 never and weight 100 always picks the canary.
  if (share <= 0) return { backend: 'primary', by: 'weight', reason: `${f.note}${where}: weight 0 → primary` };
  if (share >= 1) return { backend: 'canary', by: 'weight', reason: `${f.note}${where}: weight 100 % → canary` };
  const d = draw();
  const canary = d < share;
  // Two decimals read best; more only when two would print "0.10 < 0.10".
  const digits = d.toFixed(2) === share.toFixed(2) ? 4 : 2;
  const cmp = `draw ${d.toFixed(digits)} ${canary ? '<' : '≥'} ${share.toFixed(digits)}`;
  return { backend: canary ? 'canary' : 'primary', by: 'weight', draw: d, reason: `${f.note}${where}: ${cmp} → ${canary ? 'canary' : 'primary'}` };
}

/** Whether a status counts as a failed canary request. */
export function isFailure(config: CanaryRolloutConfig, status: number): boolean {
  return config.failedStatuses.some(([lo, hi]) => status >= lo && status <= hi);
}
