/**
 * What the running proxy's health checks say of each target, read for the admin listener's health
 * endpoints. engine/upstream/health belongs to the balancer; the one thing it exports for reading is
 * each check's snapshot, reached through UpstreamCluster.snapshot(now), so this reads those (and
 * nothing private) and turns them into one verdict per target.
 */
import type { UpstreamCluster } from '../../upstream/cluster.ts';

/** `off`: the service has no passive or active checks, so nothing ever takes a target out. */
export type TargetVerdict = 'healthy' | 'unhealthy' | 'off';

export interface TargetHealth {
  host: string;
  port: number;
  weight: number;
  verdict: TargetVerdict;
  /** Each check's own word, when it runs: `undefined` where that check is off. */
  passive?: 'healthy' | 'unhealthy';
  active?: 'healthy' | 'unhealthy';
}

interface HostSnapshot {
  healthy?: unknown;
  state?: unknown;
}

function hostsOf(part: unknown): HostSnapshot[] | undefined {
  const hosts = (part as { hosts?: unknown } | undefined)?.hosts;
  return Array.isArray(hosts) ? (hosts as HostSnapshot[]) : undefined;
}

/**
 * A passive snapshot's host: Kong's says `healthy` (healthy and mostly_healthy both route); nginx's
 * says `state`, and a peer on its one trial after fail_timeout still counts as let in.
 */
function passiveWord(h: HostSnapshot | undefined): 'healthy' | 'unhealthy' | undefined {
  if (!h) return undefined;
  if (typeof h.healthy === 'boolean') return h.healthy ? 'healthy' : 'unhealthy';
  if (typeof h.state === 'string') return h.state === 'down' ? 'unhealthy' : 'healthy';
  return undefined;
}

function activeWord(h: HostSnapshot | undefined): 'healthy' | 'unhealthy' | undefined {
  return typeof h?.healthy === 'boolean' ? (h.healthy ? 'healthy' : 'unhealthy') : undefined;
}

/** One entry per target the cluster balances over (weight 0 targets are not in it), in config order. */
export function targetHealth(cluster: UpstreamCluster, now: number): TargetHealth[] {
  const snap = cluster.snapshot(now);
  const passive = hostsOf(snap['passive']);
  const active = hostsOf(snap['active']);
  return cluster.targets.map((t, i) => {
    const p = passive ? passiveWord(passive[i]) : undefined;
    const a = active ? activeWord(active[i]) : undefined;
    const checked = passive !== undefined || active !== undefined;
    // Either check taking a target out takes it out of the balancer (UpstreamCluster.failingChecks).
    const verdict: TargetVerdict = !checked ? 'off' : p === 'unhealthy' || a === 'unhealthy' ? 'unhealthy' : 'healthy';
    return { host: t.host, port: t.port, weight: t.weight, verdict, ...(p ? { passive: p } : {}), ...(a ? { active: a } : {}) };
  });
}
