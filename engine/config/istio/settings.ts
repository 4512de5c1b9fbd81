/**
 * One DestinationRule `trafficPolicy` → Envoy cluster settings, as istiod translates it
 * (cluster_traffic_policy.go applyConnectionPool / applyOutlierDetection) and as Istio validates it
 * (pkg/config/validation: durations ≥ 1 ms in whole milliseconds, counts ≥ 0, percents 0–100, at least
 * one of tcp/http in a connection pool). Zero for a breaker threshold means "Istio's default".
 */
import { parseDuration } from '../../core/duration.ts';
import type { JsonPath } from '../yaml-source.ts';
import { CONSISTENT_HASH_FIELDS, readConsistentHash } from './consistent-hash.ts';
import { ISTIO_UNLIMITED, type ConnectionPoolIR, type LoadBalancerIR, type OutlierDetectionIR, type TrafficPolicySettingsIR } from './types.ts';

export interface Reporter {
  warn(path: JsonPath, message: string, hint?: string, key?: boolean): void;
  error(path: JsonPath, message: string, hint?: string): void;
}

type Obj = Record<string, unknown>;

export const FIELDS: Record<string, readonly string[]> = {
  trafficPolicy: ['loadBalancer', 'connectionPool', 'outlierDetection', 'tls', 'portLevelSettings', 'tunnel', 'proxyProtocol', 'retryBudget'],
  portTrafficPolicy: ['port', 'loadBalancer', 'connectionPool', 'outlierDetection', 'tls'],
  connectionPool: ['tcp', 'http'],
  tcp: ['maxConnections', 'connectTimeout', 'tcpKeepalive', 'maxConnectionDuration', 'idleTimeout'],
  http: ['http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries', 'idleTimeout', 'h2UpgradePolicy', 'useClientProtocol', 'maxConcurrentStreams'],
  outlierDetection: ['consecutiveErrors', 'splitExternalLocalOriginErrors', 'consecutiveLocalOriginFailures', 'consecutiveGatewayErrors', 'consecutive5xxErrors', 'interval', 'baseEjectionTime', 'maxEjectionPercent', 'minHealthPercent'],
  loadBalancer: ['simple', 'consistentHash', 'localityLbSetting', 'warmupDurationSecs', 'warmup'],
  tls: ['mode', 'clientCertificate', 'privateKey', 'caCertificates', 'credentialName', 'subjectAltNames', 'sni', 'insecureSkipVerify', 'caCrl'],
  ...CONSISTENT_HASH_FIELDS,
};

const LB_SIMPLE = ['UNSPECIFIED', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST', 'LEAST_CONN'];
const TLS_MODES = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'];
const H2_POLICIES = ['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'];

export function defaultConnectionPool(): ConnectionPoolIR {
  return {
    maxConnections: ISTIO_UNLIMITED,
    connectTimeoutMs: 10_000,
    maxPendingRequests: ISTIO_UNLIMITED,
    maxRequests: ISTIO_UNLIMITED,
    maxRetries: ISTIO_UNLIMITED,
    maxRequestsPerConnection: 0,
    h2UpgradePolicy: 'DEFAULT',
  };
}

export class SettingsReader {
  constructor(
    private readonly r: Reporter,
    private readonly checkFields: (value: unknown, path: JsonPath, kind: string) => Obj,
  ) {}

  /** A whole trafficPolicy (or a port-level / subset one); `kind` picks the allowed fields. */
  read(value: unknown, path: JsonPath, kind: 'trafficPolicy' | 'portTrafficPolicy'): { sections: Partial<TrafficPolicySettingsIR>; raw: Obj } {
    const tp = this.checkFields(value, path, kind);
    const sections: Partial<TrafficPolicySettingsIR> = {};
    if (tp['connectionPool'] !== undefined) sections.connectionPool = this.connectionPool(tp['connectionPool'], [...path, 'connectionPool']);
    if (tp['outlierDetection'] !== undefined) sections.outlierDetection = this.outlier(tp['outlierDetection'], [...path, 'outlierDetection']);
    if (tp['loadBalancer'] !== undefined) {
      const lb = this.loadBalancer(tp['loadBalancer'], [...path, 'loadBalancer']);
      if (lb) sections.loadBalancer = lb;
    }
    if (tp['tls'] !== undefined) {
      const tls = this.checkFields(tp['tls'], [...path, 'tls'], 'tls');
      const mode = this.oneOf(tls, 'mode', TLS_MODES, [...path, 'tls']);
      if (mode) sections.tlsMode = mode;
    }
    for (const f of ['tunnel', 'proxyProtocol', 'retryBudget']) {
      if (tp[f] !== undefined) this.r.warn([...path, f], `${f} is parsed but not modelled by gatelab`, undefined, true);
    }
    return { sections, raw: tp };
  }

  private connectionPool(value: unknown, path: JsonPath): ConnectionPoolIR {
    const cp = this.checkFields(value, path, 'connectionPool');
    const out = defaultConnectionPool();
    if (cp['tcp'] === undefined && cp['http'] === undefined) this.r.error(path, 'a connectionPool must set at least one of tcp or http (Istio validation)');
    const tcp = this.checkFields(cp['tcp'], [...path, 'tcp'], 'tcp');
    const http = this.checkFields(cp['http'], [...path, 'http'], 'http');
    // Zero keeps Istio's default: istiod cannot tell an explicit 0 from an unset field.
    const max = (o: Obj, key: string, p: JsonPath): number | undefined => {
      const n = this.count(o, key, p);
      return n !== undefined && n > 0 ? n : undefined;
    };
    out.maxConnections = max(tcp, 'maxConnections', [...path, 'tcp']) ?? out.maxConnections;
    out.connectTimeoutMs = this.duration(tcp, 'connectTimeout', [...path, 'tcp']) ?? out.connectTimeoutMs;
    out.maxPendingRequests = max(http, 'http1MaxPendingRequests', [...path, 'http']) ?? out.maxPendingRequests;
    out.maxRequests = max(http, 'http2MaxRequests', [...path, 'http']) ?? out.maxRequests;
    out.maxRetries = max(http, 'maxRetries', [...path, 'http']) ?? out.maxRetries;
    out.maxRequestsPerConnection = this.count(http, 'maxRequestsPerConnection', [...path, 'http']) ?? 0;
    const idle = this.duration(http, 'idleTimeout', [...path, 'http']);
    if (idle !== undefined) out.idleTimeoutMs = idle;
    out.h2UpgradePolicy = this.oneOf(http, 'h2UpgradePolicy', H2_POLICIES, [...path, 'http']) ?? 'DEFAULT';
    if (http['useClientProtocol'] === true && out.h2UpgradePolicy === 'UPGRADE') {
      this.r.error([...path, 'http', 'useClientProtocol'], 'useClientProtocol must not be true when h2UpgradePolicy is UPGRADE (Istio validation)');
    }
    for (const f of ['tcpKeepalive', 'maxConnectionDuration', 'idleTimeout']) {
      if (tcp[f] !== undefined) this.r.warn([...path, 'tcp', f], `tcp.${f} is parsed but not modelled by gatelab`, undefined, true);
    }
    return out;
  }

  private outlier(value: unknown, path: JsonPath): OutlierDetectionIR {
    const od = this.checkFields(value, path, 'outlierDetection');
    const c5 = this.count(od, 'consecutive5xxErrors', path);
    const gw = this.count(od, 'consecutiveGatewayErrors', path);
    if (od['consecutiveErrors'] !== undefined) {
      this.r.warn([...path, 'consecutiveErrors'], 'consecutiveErrors is deprecated and current Istio ignores it', 'use consecutive5xxErrors (or consecutiveGatewayErrors for 502/503/504 only)', true);
    }
    const base = this.duration(od, 'baseEjectionTime', path) ?? 30_000;
    const maxPercent = this.percent(od, 'maxEjectionPercent', path);
    const out: OutlierDetectionIR = {
      // Unset: Envoy's own default 5, enforced; set: Istio enforces it only when it is above 0.
      consecutive5xx: c5 ?? 5,
      enforcingConsecutive5xx: c5 === undefined || c5 > 0 ? 100 : 0,
      consecutiveGatewayFailure: gw ?? 5,
      enforcingConsecutiveGatewayFailure: gw !== undefined && gw > 0 ? 100 : 0,
      intervalMs: this.duration(od, 'interval', path) ?? 10_000,
      baseEjectionTimeMs: base,
      maxEjectionTimeMs: Math.max(300_000, base),
      maxEjectionPercent: maxPercent !== undefined && maxPercent > 0 ? maxPercent : 10,
      enforcingSuccessRate: 0,
      healthyPanicThreshold: this.percent(od, 'minHealthPercent', path) ?? 0,
      splitExternalLocalOriginErrors: od['splitExternalLocalOriginErrors'] === true,
    };
    if (out.splitExternalLocalOriginErrors) {
      const local = this.count(od, 'consecutiveLocalOriginFailures', path);
      out.consecutiveLocalOriginFailure = local !== undefined && local > 0 ? local : 5;
    }
    return out;
  }

  private loadBalancer(value: unknown, path: JsonPath): LoadBalancerIR | undefined {
    const lb = this.checkFields(value, path, 'loadBalancer');
    const out: LoadBalancerIR = {};
    const simple = this.oneOf(lb, 'simple', LB_SIMPLE, path);
    if (simple) out.simple = simple;
    if (simple && lb['consistentHash'] !== undefined) {
      this.r.error(path, 'loadBalancer sets both simple and consistentHash; Istio accepts only one');
      return undefined;
    }
    if (lb['consistentHash'] !== undefined) {
      const ch = readConsistentHash(lb['consistentHash'], [...path, 'consistentHash'], this.r, this.checkFields);
      if (ch) out.consistentHash = ch;
    }
    return simple || out.consistentHash ? out : undefined;
  }

  private count(o: Obj, key: string, path: JsonPath): number | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > ISTIO_UNLIMITED) {
      this.r.error([...path, key], `${key} must be a whole number ≥ 0, not ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  }

  private percent(o: Obj, key: string, path: JsonPath): number | undefined {
    const v = this.count(o, key, path);
    if (v !== undefined && v > 100) {
      this.r.error([...path, key], `${key} must be between 0 and 100, not ${v}`);
      return undefined;
    }
    return v;
  }

  private duration(o: Obj, key: string, path: JsonPath): number | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    const ms = typeof v === 'string' ? parseDuration(v) : undefined;
    if (ms === undefined || ms < 1 || !Number.isInteger(ms)) {
      this.r.error([...path, key], `${key} must be a duration of at least 1ms in whole milliseconds, not ${JSON.stringify(v)}`, 'e.g. 30s, 500ms, 1m');
      return undefined;
    }
    return ms;
  }

  private oneOf(o: Obj, key: string, allowed: readonly string[], path: JsonPath): string | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !allowed.includes(v)) {
      this.r.error([...path, key], `${key} must be one of ${allowed.join(', ')}, not ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  }
}

/** Istio's MergeTrafficPolicy: every section a more specific policy sets replaces the general one. */
export function mergeSettings(base: TrafficPolicySettingsIR, over: Partial<TrafficPolicySettingsIR>): TrafficPolicySettingsIR {
  return { ...base, ...over };
}
