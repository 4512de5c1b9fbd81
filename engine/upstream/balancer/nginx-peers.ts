/**
 * nginx's per-peer round-robin state (ngx_http_upstream_rr_peer_t: weight, effective_weight,
 * current_weight) and its smooth weighted round robin, shared by `weighted-round-robin` and
 * `least-connections` because nginx's least_conn breaks ties with this very code (semantics §10).
 */
import { hostName, listValues } from './common.ts';
import type { BalancedHost } from './types.ts';

export interface SmoothPick {
  index: number;
  /** "a=6 b=-3 c=4": the current weights that were compared, before the winner pays `total`. */
  compared: string;
  total: number;
  /** Peers still climbing back after a failure, "a 2/5", empty when none. */
  recovering: string;
}

export class NginxPeers {
  readonly weight: number[];
  readonly effective: number[];
  readonly current: number[];

  constructor(
    private readonly hosts: readonly BalancedHost[],
    private readonly maxFails: number,
  ) {
    this.weight = hosts.map((h) => h.weight);
    this.effective = [...this.weight];
    this.current = hosts.map(() => 0);
  }

  /**
   * One round of ngx_http_upstream_get_peer over `candidates` (config order). Only candidates get
   * current weight: a peer that is down or tried gains nothing while it sits out, exactly as nginx
   * `continue`s past it before the `current_weight += effective_weight` line.
   */
  smooth(candidates: readonly number[]): SmoothPick {
    let best = -1;
    let total = 0;
    const recovering: string[] = [];
    for (const i of candidates) {
      const eff = this.effective[i] as number;
      const w = this.weight[i] as number;
      if (eff < w) recovering.push(`${hostName(this.hosts, i)} ${eff}/${w}`);
      this.current[i] = (this.current[i] as number) + eff;
      total += eff;
      // nginx raises effective_weight by one per pick the peer takes part in: gradual recovery.
      if (eff < w) this.effective[i] = eff + 1;
      // Strict '>' so the first peer in config order wins a tie.
      if (best < 0 || (this.current[i] as number) > (this.current[best] as number)) best = i;
    }
    const compared = listValues(this.hosts, candidates, (i) => this.current[i] as number);
    this.current[best] = (this.current[best] as number) - total;
    return { index: best, compared, total, recovering: recovering.join(', ') };
  }

  /**
   * ngx_http_upstream_free_round_robin_peer on NGX_PEER_FAILED: effective_weight −= weight/max_fails
   * (integer division, as nginx's ngx_int_t), never below 0; max_fails=0 disables the penalty.
   */
  failed(i: number): void {
    if (this.maxFails <= 0) return;
    const w = this.weight[i] as number;
    const next = (this.effective[i] as number) - Math.trunc(w / this.maxFails);
    this.effective[i] = Math.max(0, next);
  }

  snapshotPeers(active?: readonly number[]): Array<Record<string, unknown>> {
    return this.hosts.map((h, i) => ({
      host: h.key,
      weight: this.weight[i],
      effectiveWeight: this.effective[i],
      currentWeight: this.current[i],
      ...(active ? { active: active[i] ?? 0 } : {}),
    }));
  }
}

/** The shared tail of a smooth-WRR reason. */
export function recoveringNote(p: SmoothPick): string {
  return p.recovering ? `; effective weight still recovering after failures: ${p.recovering}` : '';
}
