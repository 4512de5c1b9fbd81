/**
 * `passiveHealthCheck` (Traefik v3.6+) on a file-provider loadBalancer or a CRD service reference
 * (LoadBalancerSpec, so IngressRoute services and TraefikService children alike), read into the
 * policy IR that engine/upstream/health/traefik-passive.ts runs. Defaults are
 * PassiveServerHealthCheck.SetDefaults (pkg/config/dynamic/http_config.go): failureWindow 10s,
 * maxFailedAttempts 1. failureWindow is a paerser Duration (a Go duration, or digits meaning seconds)
 * in the file provider and an int-or-string in the CRD that Traefik turns into one with Set
 * (pkg/provider/kubernetes/crd/kubernetes_http.go buildServersLB). The file provider decodes every
 * value from text, so maxFailedAttempts may be written "3" there (Traefik's own docs do); the CRD
 * schema types it as an integer. Neither side bounds the numbers: a count below 1 takes a server out
 * on its first failure, and a window of 0 puts it back at once, so those are warned about, not refused.
 */
import { parseDuration } from '../../core/duration.ts';
import type { PassiveHealthIR } from '../../upstream/policy.ts';
import { describe, type Node, type TraefikContext } from './context.ts';

export const PASSIVE_FIELDS = ['failureWindow', 'maxFailedAttempts'];
const DEFAULT_WINDOW_MS = 10_000;
const DEFAULT_MAX = 1;

/** paerser types.Duration.Set: digits alone are seconds, anything else a Go duration. */
export function windowMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v * 1000 : undefined;
  if (typeof v !== 'string') return undefined;
  if (/^[-+]?\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  return parseDuration(v);
}

export function readPassiveHealthCheck(ctx: TraefikContext, parent: Node, where: string, crd: boolean): Extract<PassiveHealthIR, { kind: 'traefik' }> | undefined {
  const node = ctx.child(parent, 'passiveHealthCheck', `passiveHealthCheck of ${where}`);
  if (!node) return undefined;
  ctx.unknownFields(node, PASSIVE_FIELDS, `passiveHealthCheck of ${where}`);
  let failureWindowMs = DEFAULT_WINDOW_MS;
  let maxFailedAttempts = DEFAULT_MAX;
  let ok = true;
  const w = node.value['failureWindow'];
  if (w !== undefined && w !== null) {
    const parsed = windowMs(w);
    if (parsed === undefined) {
      ok = false;
      ctx.error(node.doc, [...node.path, 'failureWindow'], 'GL_E_DURATION', `failureWindow of ${where} must be a duration such as 10s or 1m30s, or a whole number of seconds, not ${describe(w)}`);
    } else {
      failureWindowMs = parsed;
      if (parsed <= 0) {
        ctx.warn(node.doc, [...node.path, 'failureWindow'], 'GL_W_NO_EFFECT', `failureWindow ${String(w)}: Traefik's timer puts a server back as soon as it takes it out, so the check never keeps one out`, 'failureWindow is both the counting window and how long a server stays out; the default is 10s');
      }
    }
  }
  const m = node.value['maxFailedAttempts'];
  if (m !== undefined && m !== null) {
    const n = typeof m === 'number' ? m : !crd && typeof m === 'string' && /^[-+]?\d+$/.test(m.trim()) ? Number(m.trim()) : NaN;
    if (!Number.isInteger(n)) {
      ok = false;
      const what = crd ? 'an integer (the CRD schema says so)' : 'an integer';
      ctx.error(node.doc, [...node.path, 'maxFailedAttempts'], 'GL_E_TYPE', `maxFailedAttempts of ${where} must be ${what}, not ${describe(m)}`);
    } else {
      maxFailedAttempts = n;
      if (n < 1) {
        ctx.warn(node.doc, [...node.path, 'maxFailedAttempts'], 'GL_W_NO_EFFECT', `maxFailedAttempts ${n}: Traefik compares failures < ${n}, which never holds, so the first failure takes a server out, as with 1`);
      }
    }
  }
  if (!ok) return undefined;
  // With healthCheck beside it, Traefik starts no failureWindow timer (hasActiveHealthCheck): the
  // cluster wires the two checks to one status per server (engine/upstream/health/traefik-checks.ts).
  return { kind: 'traefik', maxFailedAttempts, failureWindowMs };
}
