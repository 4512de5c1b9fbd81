/**
 * One service's hosts as one gateway replica sees them: the balancer, passive and active health,
 * outlier ejection and the connection pool, kept per replica (Envoy and nginx keep them per worker;
 * nothing here is shared between replicas). Time-based state is advanced from `now` when touched.
 * In Kong the balancer and the health checker belong to the upstream entity, so one cluster then
 * serves every service whose host names that upstream (SharedUpstream); what stays per service —
 * retries, timeouts, the path — the upstream stage reads from the request's own service.
 */
import type { ServiceIR, TargetIR } from '../config/ir.ts';
import type { DecisionData, MachineTransition } from '../pipeline/types.ts';
import { createBalancer, type Balancer, type PickRequest, type StickyPick } from './balancer/index.ts';
import { createOutlierDetector, type OutlierDetector, type OutlierEvent } from './outlier/index.ts';
import { classifyProbe, createActiveHealth, createPassiveHealth, kongActiveHealing, newKongTarget, type ActiveHealth, type PassiveHealth, type ProbeResult } from './health/index.ts';
import { traefikChecks } from './health/traefik-checks.ts';
import { ConnectionPool } from './pool.ts';
import type { UpstreamPolicyIR } from './policy.ts';

export type HostOutcome = { status?: number; failure?: 'connect' | 'timeout' | 'reset' };

/** What one touch of the cluster changed (machine moves) and noticed without moving (a refused ejection). */
export interface ClusterNews {
  readonly changes: readonly MachineTransition[];
  /** Rules that fired but changed nothing (max_ejection_percent said no, enforcing_* said no): worth a line. */
  readonly notes: readonly string[];
}

/** The news of a touch that changed nothing, shared: most tries of most requests (two objects and two arrays each). */
const NO_NEWS: ClusterNews = Object.freeze({ changes: Object.freeze([]), notes: Object.freeze([]) });

/** News being collected: only made once there is something to say. */
interface FreshNews {
  changes: MachineTransition[];
  notes: string[];
}

/** The upstream a cluster stands for (Kong), and the services that balance over it, in config order. */
export interface SharedUpstream {
  readonly name: string;
  readonly services: readonly string[];
}

/** A pick among the allowed hosts (the target is `targets[index]`), or index -1 with why none was allowed. */
export interface Selection {
  readonly index: number;
  readonly reason: string;
  /** The sticky balancer's cookie key (balancer/types.ts StickyPick), passed on to the dialect. */
  readonly sticky?: StickyPick;
}

export class UpstreamCluster {
  readonly targets: TargetIR[];
  readonly keys: string[];
  readonly policy: UpstreamPolicyIR;
  private readonly balancer: Balancer;
  readonly outlier?: OutlierDetector;
  private readonly passive?: PassiveHealth;
  readonly active?: ActiveHealth;
  readonly pool?: ConnectionPool;
  /** Every host index, for picks no health rule narrows. */
  private readonly allHosts: readonly number[];
  /**
   * Kong with passive and active checks: one state per target that both move (passive-health and
   * active-health keep their own state otherwise).
   */
  private readonly sharedHealth: boolean;
  /** Traefik with passiveHealthCheck and healthCheck: one up flag per server that both move (SetStatus). */
  private readonly traefikShared: boolean;
  /**
   * The machine a health move belongs to. Kong runs one checker per upstream whatever checks are on,
   * so all its moves are `health-checks` moves; nginx, Envoy and the native IR have `passive-health`
   * and `active-health` as two mechanisms.
   */
  private readonly passiveMachine: string;
  private readonly activeMachine: string;

  /**
   * Who the cluster's own sentences and machine subjects name: the service, or `upstream <name>` when
   * two or more services share it (naming one of them would then be wrong for the others). An upstream
   * with one service keeps the service's name, as before sharing existed.
   */
  private readonly who: string;
  private readonly shared: boolean;
  /** `(upstream pool's one checker, shared by services a, b)`, appended to a shared checker's moves; '' otherwise. */
  private readonly sharedNote: string;

  constructor(
    /** The service the cluster was built from: for a shared upstream, the first in config order. */
    readonly service: ServiceIR,
    startAt: number,
    /** Set for a Kong service over an upstream, whether or not another service shares it. */
    readonly upstream?: SharedUpstream,
  ) {
    const shared = upstream !== undefined && upstream.services.length > 1;
    this.shared = shared;
    this.who = shared ? `upstream ${upstream.name}` : service.name;
    this.sharedNote = shared ? ` (upstream ${upstream.name}'s one checker, shared by services ${upstream.services.join(', ')})` : '';
    this.targets = service.targets.filter((t) => t.weight > 0);
    this.keys = this.targets.map((t) => `${t.host}:${t.port}`);
    this.allHosts = this.targets.map((_, i) => i);
    this.policy = service.policy ?? {};
    const hosts = this.targets.map((t, i) => ({ key: this.keys[i] as string, weight: t.weight }));
    const passive = this.policy.passiveHealth;
    // nginx lowers a failing peer's effective weight by weight/max_fails; Envoy and Kong have no such penalty.
    this.balancer = createBalancer(this.policy.balancer ?? { kind: 'round-robin' }, hosts, { maxFails: passive?.kind === 'nginx' ? passive.maxFails : 0 });
    if (this.policy.outlierDetection) this.outlier = createOutlierDetector(this.policy.outlierDetection, hosts.length, startAt, this.keys);
    const activeSpec = this.policy.activeHealth;
    // Kong runs one lua-resty-healthcheck checker per upstream: with passive and active checks both
    // on, every report, a real response or a probe, counts on one set of counters per target and
    // moves one state (incr_counter), each with its own check's thresholds.
    this.sharedHealth = passive?.kind === 'kong' && activeSpec?.failureThresholds !== undefined;
    const sharedTargets = this.sharedHealth ? hosts.map(() => newKongTarget(true)) : undefined;
    const kongChecker = passive?.kind === 'kong' || activeSpec?.failureThresholds !== undefined;
    this.passiveMachine = kongChecker ? 'health-checks' : 'passive-health';
    this.activeMachine = kongChecker ? 'health-checks' : 'active-health';
    const traefik = traefikChecks(passive, activeSpec, hosts.length, startAt, this.keys);
    this.traefikShared = traefik?.shared ?? false;
    if (traefik) {
      this.passive = traefik.passive;
      this.active = traefik.active;
    } else if (passive) {
      const kong = sharedTargets && activeSpec ? { sharedTargets, activeHealing: kongActiveHealing(activeSpec) } : {};
      this.passive = createPassiveHealth(passive, hosts.length, { hostNames: this.keys, ...kong });
    }
    if (activeSpec && !traefik) this.active = createActiveHealth(activeSpec, hosts.length, startAt, { hostNames: this.keys, ...(sharedTargets ? { sharedTargets } : {}) });
    if (this.policy.connectionPool) this.pool = new ConnectionPool(this.policy.connectionPool);
  }

  /** Runs the outlier sweeps due by `now`; returns what changed. */
  advance(now: number): ClusterNews {
    // Traefik's failureWindow timer puts a server back on its own clock: a move at the timer's instant.
    const back = this.passive?.returns?.(now);
    if (!this.outlier && !back?.length) return NO_NEWS;
    const events = this.outlier?.advance(now) ?? [];
    const held = this.heldNotes;
    if (events.length === 0 && held === undefined && !back?.length) return NO_NEWS;
    const news: FreshNews = { changes: [], notes: held ?? [] };
    this.heldNotes = undefined;
    for (const r of back ?? []) {
      news.changes.push({ machine: this.passiveMachine, subject: `${this.service.name} ${this.keys[r.host]}`, from: 'unhealthy', to: 'healthy', reason: r.reason, at: r.at });
    }
    for (const e of events) this.outlierNews(e, news);
    return news;
  }

  /**
   * Notes from sweeps a probe ran (a refused rate ejection): a probe has no request to hang a note
   * on, so they wait for the next request's advance(), where they would have appeared anyway.
   */
  private heldNotes: string[] | undefined;

  /**
   * Picks a host among those the health rules allow, avoiding hosts this request already tried when
   * another one exists. Index -1 when no host is eligible, with the reason. In Envoy's panic mode
   * (semantics §9) the health rules are ignored and every host is eligible.
   */
  select(req: PickRequest, tried: ReadonlySet<number>, avoidTried: boolean): Selection {
    const n = this.targets.length;
    if (n === 0) return { index: -1, reason: `${this.shared ? this.who : `service ${this.who}`} has no target with weight above 0` };
    const refused = this.belowHealthyWeight(req.now);
    if (refused !== undefined) return { index: -1, reason: refused };
    // The common case — no health rules, a first try — is the balancer's own pick, no object of ours.
    if (!this.outlier && !this.passive && !this.active && tried.size === 0) return this.balancer.pick(this.allHosts, req);
    // Envoy's threshold counts every host its health flags take out (ejected or failing active
    // checks), and a panicking balancer picks among all hosts. Passive checks have no Envoy
    // counterpart besides outlier detection; gatelab treats a host they took out like an ejected one.
    const panic = this.outlier?.panic((i) => this.failingChecks(i, req.now) !== undefined) ?? false;
    const out: string[] = [];
    let healthy: readonly number[] = this.allHosts;
    if (!panic) {
      const allowed: number[] = [];
      for (let i = 0; i < n; i++) {
        const why = this.outlier?.isEjected(i) ? 'ejected' : this.failingChecks(i, req.now);
        if (why !== undefined) out.push(`${this.keys[i]} ${why}`);
        else allowed.push(i);
      }
      if (allowed.length === 0) return { index: -1, reason: `no healthy host for ${this.who}: ${out.join('; ')}` };
      healthy = allowed;
    }
    const fresh = avoidTried ? healthy.filter((i) => !tried.has(i)) : healthy;
    const eligible = fresh.length > 0 ? fresh : healthy;
    const pick = this.balancer.pick(eligible, req);
    // nginx stamps the pick time: a recovering peer gets one trial request, not a flood.
    this.passive?.picked(pick.index, req.now);
    const notes = [
      panic ? this.panicNote() : '',
      out.length > 0 ? `skipped ${out.join(', ')}` : '',
      avoidTried && tried.size > 0 && fresh.length > 0 ? `not retrying on a host already tried` : '',
    ].filter(Boolean);
    return notes.length > 0 ? { ...pick, reason: `${pick.reason} (${notes.join('; ')})` } : pick;
  }

  /**
   * Kong's balancer-wide health (healthchecks.threshold): why every pick is refused at `now`, or
   * undefined. Kong's least-connections and latency balancers check `balancer.healthy` at the start
   * of every getPeer, first try and retries alike; the answer is then the ring-balancer's 503.
   */
  private belowHealthyWeight(now: number): string | undefined {
    const threshold = this.policy.healthyWeightThreshold;
    if (threshold === undefined) return undefined;
    let total = 0;
    let healthy = 0;
    this.targets.forEach((t, i) => {
      total += t.weight;
      if (this.failingChecks(i, now) === undefined) healthy += t.weight;
    });
    const share = (healthy / total) * 100;
    if (share > threshold) return undefined;
    const pct = Number.isInteger(share) ? String(share) : share.toFixed(1);
    return `Kong's balancer for ${this.who} is unhealthy: targets with ${pct} % of the weight are healthy, not above healthchecks.threshold ${threshold} %, so it refuses every pick`;
  }

  /** Why passive or active checks keep host i out at `now`, or undefined when they let it in. */
  private failingChecks(i: number, now: number): string | undefined {
    if (this.sharedHealth) return this.active?.isHealthy(i) === false ? 'marked unhealthy by health checks' : undefined;
    if (this.traefikShared) return this.active?.isHealthy(i) === false ? 'taken out by passiveHealthCheck or healthCheck' : undefined;
    if (this.passive && !this.passive.isHealthy(i, now)) return 'marked down by passive checks';
    if (this.active && !this.active.isHealthy(i)) return 'failing active health checks';
    return undefined;
  }

  /**
   * The note on a pick made in panic. A cluster with outlier detection only keeps its old sentence
   * (ejection is then the only way to be unhealthy); with health checks too it names what is ignored.
   */
  private panicNote(): string {
    const threshold = `fewer than ${this.policy.outlierDetection?.healthyPanicThreshold} % of hosts healthy`;
    if (!this.passive && !this.active) return `panic mode: ${threshold}, so ejected hosts get traffic too`;
    const kinds = ['ejected', ...(this.passive ? ['marked down by passive checks'] : []), ...(this.active ? ['failing active health checks'] : [])];
    const list = kinds.length === 2 ? kinds.join(' or ') : `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}`;
    return `panic mode: ${threshold} (a host ${list} counts as unhealthy), so the balancer ignores health and every host gets traffic`;
  }

  /** `sending to <service> at <host:port> as `: the fixed start of the balancer's reason for host i. */
  sendingPrefix(i: number): string {
    // Built once per host: every request's decision would otherwise concatenate it anew.
    return (this.sendingPrefixes[i] ??= `sending to ${this.service.name} at ${this.keys[i]} as `);
  }

  private readonly sendingPrefixes: Array<string | undefined> = [];

  /**
   * The balancer's whole reason, `[try N: ]<prefix><method> <path> — <why>`, as last built for this
   * cluster. Requests in a row to one path picked the same way get the same string object, not an
   * equal new one: the lab's trace encoder compares each text with the one before it at its place,
   * and identical objects compare at once.
   */
  sendingSentence(tries: number, i: number, method: string, path: string, why: string): string {
    const last = this.lastSentence;
    if (last !== undefined && last.i === i && last.tries === tries && last.why === why && last.path === path && last.method === method) return last.text;
    const text = `${tries > 1 ? `try ${tries}: ` : ''}${this.sendingPrefix(i)}${method} ${path} — ${why}`;
    this.lastSentence = { tries, i, method, path, why, text };
    return text;
  }

  private lastSentence: { tries: number; i: number; method: string; path: string; why: string; text: string } | undefined;

  /**
   * The balancer decision's data for a first try on host i, `{ service, target, try: 1 }`: one frozen
   * object per host, not one per request (nothing changes a decision's data once it is handed over,
   * and the proxy's /trace ring matches a frozen data object by identity). Later tries are built fresh.
   */
  sendingData(tries: number, i: number): DecisionData {
    if (tries !== 1) return { service: this.service.name, target: this.keys[i], try: tries };
    return (this.firstTryData[i] ??= Object.freeze({ service: this.service.name, target: this.keys[i], try: 1 }));
  }

  private readonly firstTryData: Array<DecisionData | undefined> = [];

  /** Whether service `name` balances over this cluster (it was built from it, or shares its upstream). */
  serves(name: string): boolean {
    return this.upstream ? this.upstream.services.includes(name) : this.service.name === name;
  }

  started(i: number): void {
    this.balancer.started(i);
  }

  /** One try on host i ended: feeds the balancer, passive health and outlier detection. */
  finished(i: number, outcome: HostOutcome, rttMs: number, now: number, draw: () => number): ClusterNews {
    // nginx lowers a peer's weight only for errors and timeouts by default (proxy_next_upstream), not for a 5xx answer.
    const failed = outcome.failure !== undefined;
    this.balancer.finished(i, { failed, rttMs, now });
    let news: FreshNews | undefined;
    const passive = this.passive?.record(i, outcome, now);
    if (passive?.changed) {
      news = { changes: [], notes: [] };
      news.changes.push({
        machine: this.passiveMachine,
        subject: `${this.who} ${this.keys[i]}`,
        from: passive.changed === 'healthy' ? 'unhealthy' : 'healthy',
        to: passive.changed,
        reason: this.shared ? passive.reason + this.sharedNote : passive.reason,
      });
    }
    if (this.outlier) for (const e of this.outlier.record(i, outcome, now, draw)) this.outlierNews(e, (news ??= { changes: [], notes: [] }));
    return news ?? NO_NEWS;
  }

  /**
   * An active probe's result (driven by the host on the probe timer). A host that asks
   * `active.dueTargets` passes a full outcome; a bare pass/fail is taken to come from a host that
   * probes every target on every tick, so it counts only when host i's round is due at `now`.
   */
  probed(i: number, result: ProbeResult, now: number): MachineTransition[] {
    const active = this.active;
    const spec = this.policy.activeHealth;
    if (!active || !spec || (typeof result === 'boolean' && !active.isDue(i, active.roundAt(now)))) return [];
    const ok = classifyProbe(spec, result) === 'success';
    const r = active.recordProbe(i, result, now);
    const changes: MachineTransition[] = [];
    if (r?.changed) {
      changes.push({
        machine: this.activeMachine,
        subject: `${this.who} ${this.keys[i]}`,
        from: r.changed === 'healthy' ? 'unhealthy' : 'healthy',
        to: r.changed,
        reason: this.shared ? r.reason + this.sharedNote : r.reason,
      });
    }
    // Envoy (semantics §9, successful_active_health_check_uneject_host): a passing check ends an
    // outlier ejection, but only once active checks call the host healthy (no FAILED_ACTIVE_HC), so a
    // host still short of its healthy threshold stays out.
    if (ok && this.outlier && active.isHealthy(i)) {
      const events = this.outlier.activeCheckPassed(i, now);
      if (events.length > 0) {
        const news: FreshNews = { changes, notes: this.heldNotes ?? [] };
        for (const e of events) this.outlierNews(e, news);
        this.heldNotes = news.notes.length > 0 ? news.notes : undefined;
      }
    }
    return changes;
  }

  snapshot(now: number): Record<string, unknown> {
    return {
      hosts: this.keys,
      balancer: this.balancer.snapshot(),
      ...(this.outlier ? { outlier: this.outlier.snapshot() } : {}),
      ...(this.passive ? { passive: this.passive.snapshot(now) } : {}),
      ...(this.active ? { active: this.active.snapshot() } : {}),
      ...(this.pool ? { pool: this.pool.snapshot() } : {}),
    };
  }

  private outlierNews(e: OutlierEvent, news: FreshNews): void {
    const subject = `${this.who} ${this.keys[e.host]}`;
    if (e.kind === 'eject') news.changes.push({ machine: 'outlier-detection', subject, from: 'healthy', to: 'ejected', reason: e.reason, at: e.at });
    else if (e.kind === 'uneject') news.changes.push({ machine: 'outlier-detection', subject, from: 'ejected', to: 'healthy', reason: e.reason, at: e.at });
    // A threshold reached without an ejection is no move of the machine; the request that reached it says why.
    else news.notes.push(e.reason);
  }
}
