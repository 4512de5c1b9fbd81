/**
 * One Traefik middleware type at a time: what its spec says and which gatelab plugin config it
 * becomes. rateLimit → rate-limit (`algorithm: token-bucket, flavour: traefik`); forwardAuth →
 * forward-auth when that plugin is registered, else validated and warned; circuitBreaker →
 * traefik-circuit-breaker; retry → retry (a route-level policy for the upstream stage); ipAllowList and
 * its v2 name ipWhiteList → ip-restriction (`flavour: traefik`); inFlightReq → in-flight-limit;
 * buffering → request-size-limit (`flavour: traefik`); basicAuth → basic-auth (`flavour: traefik`). Field lists and defaults
 * follow traefik/traefik pkg/config/dynamic/middlewares.go.
 */
import { parseDuration } from '../../core/duration.ts';
import { compileIpStrategy } from '../../net/ip-strategy.ts';
import { criteriaSet, exclusivityError, IP_STRATEGY_FIELDS, SOURCE_CRITERION_FIELDS } from '../../plugins/rate-limit/source-criterion.ts';
import { compileGoRegex } from '../../routing/traefik-regex.ts';
import { isObj, type Node, type TraefikContext } from './context.ts';
import { parseTraefikCbExpression } from '../../plugins/traefik-circuit-breaker/expression.ts';
import { parseCidrList } from '../../net/cidr.ts';
import { goStatusText } from '../../plugins/ip-restriction/go-status.ts';
import { IN_FLIGHT_FIELDS } from '../../plugins/in-flight-limit/config.ts';
import { BUFFERING_FIELDS } from '../../plugins/request-size-limit/config.ts';
import { parseBasicUser, TRAEFIK_BASIC_AUTH_FIELDS } from '../../plugins/basic-auth/traefik-config.ts';

export interface PluginStep {
  plugin: string;
  /** Raw config handed to the plugin's parse; its keys mirror the spec so paths map back. */
  config: Record<string, unknown>;
  /** Where `config` sits in the file (for the plugin's diagnostics). */
  at: Node;
  /** Path inside `at` that corresponds to the config's root (the spec, so `rateLimit.average` maps). */
  vendorName: string;
}

export const RATE_LIMIT_FIELDS = ['average', 'period', 'burst', 'sourceCriterion', 'redis'];
export const FORWARD_AUTH_FIELDS = [
  'address', 'tls', 'trustForwardHeader', 'authResponseHeaders', 'authResponseHeadersRegex', 'authRequestHeaders',
  'addAuthCookiesToResponse', 'headerField', 'forwardBody', 'maxBodySize', 'preserveLocationHeader', 'preserveRequestMethod',
  'authSigninURL', 'maxResponseBodySize',
];

/** The fields of `value` named in `fields`, as written. */
function pick(value: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => fields.includes(k)));
}

/**
 * Values the CRD schema accepts but Traefik cannot build (IPStrategy.Get: a CIDR it cannot parse, an
 * ipv6Subnet outside 1–128): the middleware fails, its routers are not served. Wrong types are left to
 * the plugin, which reports them at their line (the API server would refuse the object).
 */
function ipStrategyRefusal(ip: unknown): string | undefined {
  if (!isObj(ip)) return undefined;
  const { depth, excludedIPs, ipv6Subnet } = ip;
  const okDepth = depth === undefined || depth === null || (typeof depth === 'number' && Number.isInteger(depth));
  const okList = excludedIPs === undefined || excludedIPs === null || (Array.isArray(excludedIPs) && excludedIPs.every((x) => typeof x === 'string'));
  const okSubnet = ipv6Subnet === undefined || ipv6Subnet === null || (typeof ipv6Subnet === 'number' && Number.isInteger(ipv6Subnet));
  if (!okDepth || !okList || !okSubnet) return undefined;
  const { errors } = compileIpStrategy({
    ...(typeof depth === 'number' ? { depth } : {}),
    ...(Array.isArray(excludedIPs) ? { excludedIPs: excludedIPs as string[] } : {}),
    ...(typeof ipv6Subnet === 'number' ? { ipv6Subnet } : {}),
  });
  return errors[0];
}

/** Traefik's period: an integer is seconds, a string a Go duration. Returns the flavour's text form. */
function period(ctx: TraefikContext, node: Node): string | undefined {
  const v = node.value['period'];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return `${v}s`;
  if (typeof v === 'string' && parseDuration(v) !== undefined) return v;
  ctx.error(node.doc, [...node.path, 'period'], 'GL_E_DURATION', `period must be a duration such as 1s or 1m, or a number of seconds, not ${JSON.stringify(v)}`);
  return undefined;
}

/**
 * A sourceCriterion as Traefik's GetSourceExtractor takes it (rateLimit, inFlightReq). What the CRD
 * schema does not define is pruned with a warning; the rest is left as written for the plugin to read,
 * so its diagnostics point at these lines (rate-limit/source-criterion.ts). Two criteria or a bad
 * ipStrategy make Traefik refuse the middleware ("error creating requests limiter"): that comes back
 * as the problem, and the routers using it are not served. Undefined when there is no criterion.
 */
function readSourceCriterion(ctx: TraefikContext, node: Node, middleware: 'rateLimit' | 'inFlightReq', label: string): Record<string, unknown> | string | undefined {
  const sc = ctx.child(node, 'sourceCriterion', `${middleware}.sourceCriterion`);
  if (!sc) return undefined;
  ctx.unknownFields(sc, SOURCE_CRITERION_FIELDS, label);
  const kept: Record<string, unknown> = pick(sc.value, SOURCE_CRITERION_FIELDS);
  const ip = sc.value['ipStrategy'];
  // Not a mapping: left as written for the plugin to report, once.
  if (isObj(ip)) {
    ctx.unknownFields({ ...sc, path: [...sc.path, 'ipStrategy'], value: ip }, IP_STRATEGY_FIELDS, 'ipStrategy');
    kept['ipStrategy'] = pick(ip, IP_STRATEGY_FIELDS);
  }
  const clash = exclusivityError(criteriaSet(kept));
  if (clash) return `sourceCriterion: ${clash}`;
  const refused = ipStrategyRefusal(kept['ipStrategy']);
  if (refused) return `sourceCriterion.ipStrategy: ${refused}`;
  return kept;
}

/** rateLimit → the rate-limit plugin's Traefik token bucket, keyed like Traefik's sourceCriterion. */
export function rateLimitStep(ctx: TraefikContext, node: Node): PluginStep | string {
  ctx.unknownFields(node, RATE_LIMIT_FIELDS, 'rateLimit');
  const config: Record<string, unknown> = { algorithm: 'token-bucket', flavour: 'traefik', key: 'ip' };
  const average = node.value['average'];
  if (average !== undefined && average !== null) config['average'] = average;
  const burst = node.value['burst'];
  if (burst !== undefined && burst !== null) config['burst'] = burst;
  const p = period(ctx, node);
  if (p !== undefined) config['period'] = p;
  const criterion = readSourceCriterion(ctx, node, 'rateLimit', 'sourceCriterion');
  if (typeof criterion === 'string') return criterion;
  if (criterion) {
    delete config['key'];
    config['sourceCriterion'] = criterion;
  }
  if (node.value['redis'] !== undefined) {
    ctx.warn(node.doc, [...node.path, 'redis'], 'GL_W_NO_EFFECT', 'rateLimit.redis (a bucket shared through Redis, v3.4+) is not modelled: each Traefik replica keeps its own buckets', undefined, true);
  }
  return { plugin: 'rate-limit', config, at: node, vendorName: 'rateLimit' };
}

/** forwardAuth: mapped onto the forward-auth plugin when it exists; validated either way. */
export function forwardAuthStep(ctx: TraefikContext, node: Node, pluginExists: boolean): PluginStep | undefined {
  ctx.unknownFields(node, FORWARD_AUTH_FIELDS, 'forwardAuth');
  const address = ctx.string(node, 'address');
  if (!address) ctx.error(node.doc, node.path, 'GL_E_CONFIG_INVALID', 'forwardAuth needs an address (the URL of the authentication server)');
  else if (!/^https?:\/\/[^/]/.test(address)) ctx.error(node.doc, [...node.path, 'address'], 'GL_E_CONFIG_INVALID', `forwardAuth address "${address}" is not an http(s) URL`);
  ctx.bool(node, 'trustForwardHeader');
  ctx.stringList(node, 'authResponseHeaders');
  ctx.stringList(node, 'authRequestHeaders');
  ctx.stringList(node, 'addAuthCookiesToResponse');
  const re = ctx.string(node, 'authResponseHeadersRegex');
  if (re !== undefined) {
    const c = compileGoRegex(re);
    if (!c.ok) ctx.error(node.doc, [...node.path, 'authResponseHeadersRegex'], 'GL_E_CONFIG_INVALID', `authResponseHeadersRegex: ${c.error}`);
  }
  const config = Object.fromEntries(Object.entries(node.value).filter(([k]) => FORWARD_AUTH_FIELDS.includes(k)));
  if (pluginExists) return { plugin: 'forward-auth', config, at: node, vendorName: 'forwardAuth' };
  ctx.warn(node.doc, node.path, 'GL_W_NO_EFFECT', 'forwardAuth is parsed and checked but not modelled yet: requests pass as if the auth server had said 200', 'the forward-auth plugin (auth work) will run it');
  return undefined;
}

export const CIRCUIT_BREAKER_FIELDS = ['expression', 'checkPeriod', 'fallbackDuration', 'recoveryDuration', 'responseCode'];
export const RETRY_FIELDS = ['attempts', 'initialInterval', 'timeout', 'maxRequestBodyBytes', 'status', 'disableRetryOnNetworkError', 'retryNonIdempotentMethod'];

/** circuitBreaker → the traefik-circuit-breaker plugin; an expression Traefik cannot parse points at its column. */
export function circuitBreakerStep(ctx: TraefikContext, node: Node): PluginStep | undefined {
  ctx.unknownFields(node, CIRCUIT_BREAKER_FIELDS, 'circuitBreaker');
  const expr = ctx.string(node, 'expression');
  if (!expr) {
    ctx.error(node.doc, node.path, 'GL_E_CONFIG_INVALID', 'circuitBreaker needs an expression, e.g. NetworkErrorRatio() > 0.5');
    return undefined;
  }
  const parsed = parseTraefikCbExpression(expr);
  if (!parsed.ok) {
    ctx.error(node.doc, [...node.path, 'expression'], 'GL_E_CONFIG_INVALID', `circuitBreaker expression, at character ${parsed.offset + 1}: ${parsed.message}`, 'use NetworkErrorRatio(), ResponseCodeRatio(from, to, dividedByFrom, dividedByTo) or LatencyAtQuantileMS(q) compared with a number, joined by && or ||');
    return undefined;
  }
  for (const d of ['checkPeriod', 'fallbackDuration', 'recoveryDuration']) durationField(ctx, node, d);
  ctx.int(node, 'responseCode', 100);
  const config = Object.fromEntries(Object.entries(node.value).filter(([k]) => CIRCUIT_BREAKER_FIELDS.includes(k)));
  return { plugin: 'traefik-circuit-breaker', config, at: node, vendorName: 'circuitBreaker' };
}

/** retry → the retry plugin, which hands its policy to the upstream stage. */
export function retryStep(ctx: TraefikContext, node: Node): PluginStep {
  ctx.unknownFields(node, RETRY_FIELDS, 'retry');
  if (node.value['attempts'] === undefined) ctx.error(node.doc, node.path, 'GL_E_CONFIG_INVALID', 'retry needs attempts (a positive integer)');
  durationField(ctx, node, 'timeout');
  // maxRequestBodyBytes goes to the plugin too: a bigger body turns the status retries off (retry/body.ts).
  const config = Object.fromEntries(Object.entries(node.value).filter(([k]) => RETRY_FIELDS.includes(k)));
  return { plugin: 'retry', config, at: node, vendorName: 'retry' };
}

function durationField(ctx: TraefikContext, node: Node, field: string): void {
  const v = node.value[field];
  if (v === undefined || v === null) return;
  if (typeof v === 'number' && Number.isFinite(v)) return;
  if (typeof v === 'string' && parseDuration(v) !== undefined) return;
  ctx.error(node.doc, [...node.path, field], 'GL_E_DURATION', `${field} must be a duration such as 10s, not ${JSON.stringify(v)}`);
}

export const IP_ALLOW_LIST_FIELDS = ['sourceRange', 'ipStrategy', 'rejectStatusCode'];

/**
 * ipAllowList / ipWhiteList → the ip-restriction plugin's Traefik flavour. What Traefik's `New`
 * refuses (an empty sourceRange, an entry net.ParseCIDR and net.ParseIP both reject, a
 * rejectStatusCode Go has no text for, an ipStrategy IPStrategy.Get rejects) comes back as the
 * problem that keeps the routers using it from being served (pkg/middlewares/ipallowlist/ip_allowlist.go).
 * ipWhiteList is the same check without rejectStatusCode, and Traefik v3 logs that it is deprecated
 * (pkg/server/middleware/middlewares.go).
 */
export function ipAllowListStep(ctx: TraefikContext, node: Node, type: 'ipAllowList' | 'ipWhiteList'): PluginStep | string {
  const fields = type === 'ipWhiteList' ? ['sourceRange', 'ipStrategy'] : IP_ALLOW_LIST_FIELDS;
  ctx.unknownFields(node, fields, type);
  if (type === 'ipWhiteList') {
    ctx.warn(node.doc, node.path, 'GL_W_DEPRECATED', 'Middleware of type IPWhiteList is deprecated, please use IPAllowList instead (Traefik v3 logs this and runs it as before)', 'rename ipWhiteList to ipAllowList; the fields stay the same');
  }
  const kept = pick(node.value, fields);
  const range = kept['sourceRange'];
  if (!Array.isArray(range) || range.length === 0) return 'sourceRange is empty, IPAllowLister not created';
  if (range.every((x) => typeof x === 'string')) {
    const bad = parseCidrList(range as string[], { flavor: 'go' }).errors[0];
    if (bad) return `cannot parse CIDRs [${(range as string[]).join(' ')}]: ${bad.message}`;
  }
  const code = kept['rejectStatusCode'];
  if (typeof code === 'number' && Number.isInteger(code) && code !== 0 && goStatusText(code) === '') return `invalid HTTP status code ${code}`;
  const ip = kept['ipStrategy'];
  if (isObj(ip)) {
    ctx.unknownFields({ ...node, path: [...node.path, 'ipStrategy'], value: ip }, IP_STRATEGY_FIELDS, 'ipStrategy');
    kept['ipStrategy'] = pick(ip, IP_STRATEGY_FIELDS);
    const refused = ipStrategyRefusal(kept['ipStrategy']);
    if (refused) return `ipStrategy: ${refused}`;
  }
  return { plugin: 'ip-restriction', config: { flavour: 'traefik', vendor: type, ...kept }, at: node, vendorName: type };
}

/**
 * inFlightReq → the in-flight-limit plugin. The sourceCriterion is pruned and checked as rateLimit's
 * is (same GetSourceExtractor), but an empty one is left for the plugin, which reads it as
 * requestHost (inflightreq.New).
 */
export function inFlightReqStep(ctx: TraefikContext, node: Node): PluginStep | string {
  ctx.unknownFields(node, IN_FLIGHT_FIELDS, 'inFlightReq');
  const config = pick(node.value, IN_FLIGHT_FIELDS);
  const criterion = readSourceCriterion(ctx, node, 'inFlightReq', 'inFlightReq.sourceCriterion');
  if (typeof criterion === 'string') return criterion;
  if (criterion) config['sourceCriterion'] = criterion;
  return { plugin: 'in-flight-limit', config, at: node, vendorName: 'inFlightReq' };
}

/**
 * buffering → the request-size-limit plugin's Traefik flavour. A negative size makes oxy's option
 * setter fail ("max bytes should be >= 0"), so Traefik does not build the middleware.
 */
export function bufferingStep(ctx: TraefikContext, node: Node): PluginStep | string {
  ctx.unknownFields(node, BUFFERING_FIELDS, 'buffering');
  for (const f of ['maxRequestBodyBytes', 'memRequestBodyBytes', 'maxResponseBodyBytes', 'memResponseBodyBytes']) {
    const v = node.value[f];
    if (typeof v === 'number' && v < 0) return `${f}: max bytes should be >= 0 got ${v}`;
  }
  return { plugin: 'request-size-limit', config: { flavour: 'traefik', ...pick(node.value, BUFFERING_FIELDS) }, at: node, vendorName: 'buffering' };
}

export const BASIC_AUTH_CRD_FIELDS = ['secret', 'realm', 'removeHeader', 'headerField'];

/**
 * basicAuth → the basic-auth plugin's Traefik flavour. The file provider carries the users inline
 * (dynamic.BasicAuth); an entry basicUserParser cannot split in two makes NewBasic fail, so the
 * middleware is refused and its routers are not served (pkg/middlewares/auth/basic_auth.go). The CRD
 * has no users field: its users come from a Secret (pkg/provider/kubernetes/crd/kubernetes.go
 * createBasicAuthMiddleware), and gatelab's Traefik input carries no Secrets.
 */
export function basicAuthStep(ctx: TraefikContext, node: Node, fromFile: boolean): PluginStep | { problem: string } | undefined {
  if (!fromFile) {
    ctx.unknownFields(node, BASIC_AUTH_CRD_FIELDS, 'basicAuth (the CRD reads users from a Secret)');
    const secret = ctx.string(node, 'secret');
    if (!secret) {
      ctx.warn(node.doc, node.path, 'GL_W_ROUTE_NOT_SERVED', 'basicAuth: auth secret must be set: Traefik refuses the middleware and every router that uses it is not served', 'name a Secret of users: basicAuth: { secret: <name> }');
      return { problem: 'auth secret must be set' };
    }
    ctx.warn(node.doc, [...node.path, 'secret'], 'GL_W_NO_EFFECT',
      `basicAuth is not modelled here: Traefik loads its users from Secret "${secret}" (type kubernetes.io/basic-auth: one user whose password it stores as {SHA}; any other type: a single key of htpasswd lines), and gatelab's Traefik input carries no Secrets, so requests pass through unchanged`,
      'to watch basicAuth decide, define it in a file-provider document (http.middlewares.<name>.basicAuth.users)');
    return undefined;
  }
  ctx.unknownFields(node, TRAEFIK_BASIC_AUTH_FIELDS, 'basicAuth');
  const users = node.value['users'];
  if (Array.isArray(users)) {
    for (const [i, entry] of users.entries()) {
      if (typeof entry === 'string' && parseBasicUser(entry) === undefined) {
        ctx.warn(node.doc, [...node.path, 'users', i], 'GL_W_ROUTE_NOT_SERVED', `error parsing BasicUser: ${entry}: Traefik refuses the middleware and every router that uses it is not served`, 'write user:hash with exactly one colon (htpasswd -nB user prints one)');
        return { problem: `basicAuth: error parsing BasicUser: ${entry}` };
      }
    }
  }
  if ((!Array.isArray(users) || users.length === 0) && node.value['usersFile'] === undefined) {
    ctx.warn(node.doc, node.path, 'GL_W_NO_EFFECT', 'basicAuth lists no users: Traefik builds it, and every request gets 401', 'add users: ["name:hash"]');
  }
  return { plugin: 'basic-auth', config: { flavour: 'traefik', ...pick(node.value, TRAEFIK_BASIC_AUTH_FIELDS) }, at: node, vendorName: 'basicAuth' };
}
