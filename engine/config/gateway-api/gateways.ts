/**
 * Gateways and their listeners: the platform team's half of the API. A listener says where traffic
 * comes in (port, protocol, hostname, TLS) and who may attach routes to it (allowedRoutes). What the API
 * server's schema rejects is an error; listeners HTTPRoutes cannot use (TLS, TCP, UDP) are kept so an
 * attachment to them can be refused with the real reason.
 */
import { HOSTNAME_PATTERN, looksLikeIp } from '../../routing/gateway-api-hostname.ts';
import { GATEWAY_GROUP } from './collect.ts';
import { intField, isRecord, listField, stringField, type AdaptContext, type K8sObject } from './context.ts';

export interface ListenerModel {
  gateway: GatewayModel;
  index: number;
  name: string;
  port: number;
  /** As written: HTTP, HTTPS, TLS, TCP, UDP or a domain-prefixed custom protocol. */
  protocol: string;
  hostname: string | null;
  from: 'Same' | 'All' | 'Selector';
  selector?: unknown;
  /** allowedRoutes.kinds; null = the protocol's default (HTTPRoute for HTTP and HTTPS). */
  kinds: Array<{ group: string; kind: string }> | null;
}

export interface GatewayModel {
  key: string;
  namespace: string;
  name: string;
  /** Undefined for a Gateway gatelab assumed because the input has none. */
  obj?: K8sObject;
  listeners: ListenerModel[];
}

const PROTOCOLS = ['HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP'];

export function readGateways(ctx: AdaptContext, objects: readonly K8sObject[]): GatewayModel[] {
  return objects.map((o) => readGateway(ctx, o));
}

function readGateway(ctx: AdaptContext, o: K8sObject): GatewayModel {
  const gw: GatewayModel = { key: `${o.namespace}/${o.name}`, namespace: o.namespace, name: o.name, obj: o, listeners: [] };
  const spec = isRecord(o.value['spec']) ? o.value['spec'] : {};
  if (!isRecord(o.value['spec'])) ctx.error(o, [], 'GL_E_CONFIG_INVALID', `${o.label} has no spec; the API server rejects it`, 'add spec.gatewayClassName and spec.listeners');
  if (typeof spec['gatewayClassName'] !== 'string') ctx.error(o, ['spec'], 'GL_E_CONFIG_INVALID', `${o.label} needs spec.gatewayClassName`);
  const raw = listField(ctx, o, ['spec', 'listeners'], spec['listeners'], 'spec.listeners');
  if (raw.length === 0) ctx.error(o, ['spec'], 'GL_E_CONFIG_INVALID', `${o.label} needs at least one listener`);
  if (raw.length > 64) ctx.error(o, ['spec', 'listeners'], 'GL_E_CONFIG_INVALID', `a Gateway may have at most 64 listeners, not ${raw.length}`);
  raw.forEach((item, i) => {
    const l = readListener(ctx, o, gw, item, i);
    if (!l) return;
    const at = ['spec', 'listeners', i];
    if (gw.listeners.some((x) => x.name === l.name)) {
      ctx.error(o, [...at, 'name'], 'GL_E_CONFIG_INVALID', `listener name '${l.name}' is used twice in ${o.label}`, 'listener names are unique within a Gateway');
      return;
    }
    if (gw.listeners.some((x) => x.port === l.port && x.protocol === l.protocol && x.hostname === l.hostname)) {
      ctx.error(o, at, 'GL_E_CONFIG_INVALID', `two listeners of ${o.label} share port ${l.port}, protocol ${l.protocol} and hostname ${l.hostname ?? '(none)'}`, 'the combination must be unique');
      return;
    }
    gw.listeners.push(l);
  });
  return gw;
}

function readListener(ctx: AdaptContext, o: K8sObject, gw: GatewayModel, item: unknown, i: number): ListenerModel | undefined {
  const at = ['spec', 'listeners', i];
  if (!isRecord(item)) {
    ctx.error(o, at, 'GL_E_TYPE', 'a listener must be a mapping with name, port and protocol');
    return undefined;
  }
  const name = stringField(ctx, o, [...at, 'name'], item['name'], 'listener name');
  const port = intField(ctx, o, [...at, 'port'], item['port'], 'listener port', { min: 1, max: 65535 });
  const protocol = stringField(ctx, o, [...at, 'protocol'], item['protocol'], 'listener protocol');
  if (name === undefined || port === undefined || protocol === undefined) {
    const missing = ['name', 'port', 'protocol'].filter((f) => item[f] === undefined || item[f] === null);
    if (missing.length > 0) ctx.error(o, at, 'GL_E_CONFIG_INVALID', `this listener has no ${missing.join(', ')}; the API server rejects the Gateway`);
    return undefined;
  }
  if (!PROTOCOLS.includes(protocol) && !protocol.includes('/')) {
    ctx.error(o, [...at, 'protocol'], 'GL_E_CONFIG_INVALID', `protocol '${protocol}' is not one of ${PROTOCOLS.join(', ')} (or a domain-prefixed custom protocol)`, 'protocols are upper-case');
  }
  const hostname = readHostname(ctx, o, [...at, 'hostname'], item['hostname'], protocol);
  const tls = item['tls'];
  if ((protocol === 'HTTPS' || protocol === 'TLS') && !isRecord(tls)) {
    ctx.error(o, [...at, 'protocol'], 'GL_E_CONFIG_INVALID', `an ${protocol} listener needs tls (mode and certificateRefs)`, 'add tls: {mode: Terminate, certificateRefs: [{name: my-cert}]}');
  }
  if ((protocol === 'HTTP' || protocol === 'TCP' || protocol === 'UDP') && tls !== undefined && tls !== null) {
    ctx.error(o, [...at, 'tls'], 'GL_E_CONFIG_INVALID', `tls must not be set on a ${protocol} listener`, protocol === 'HTTP' ? 'use protocol: HTTPS to terminate TLS' : undefined);
  }
  if (isRecord(tls) && (tls['mode'] ?? 'Terminate') === 'Terminate' && protocol === 'HTTPS') {
    const refs = tls['certificateRefs'];
    if ((!Array.isArray(refs) || refs.length === 0) && !isRecord(tls['options'])) {
      ctx.error(o, [...at, 'tls'], 'GL_E_CONFIG_INVALID', 'tls mode Terminate needs certificateRefs', 'name the Secret that holds the certificate');
    }
  }
  const allowed = isRecord(item['allowedRoutes']) ? item['allowedRoutes'] : {};
  const ns = isRecord(allowed['namespaces']) ? allowed['namespaces'] : {};
  let from: ListenerModel['from'] = 'Same';
  if (ns['from'] !== undefined) {
    if (ns['from'] === 'Same' || ns['from'] === 'All' || ns['from'] === 'Selector') from = ns['from'];
    else ctx.error(o, [...at, 'allowedRoutes', 'namespaces', 'from'], 'GL_E_CONFIG_INVALID', `from must be Same, All or Selector, not ${JSON.stringify(ns['from'])}`);
  }
  if (from === 'Selector' && !isRecord(ns['selector'])) {
    ctx.error(o, [...at, 'allowedRoutes', 'namespaces'], 'GL_E_CONFIG_INVALID', 'from: Selector needs a selector', 'add selector: {matchLabels: {...}}');
  }
  let kinds: ListenerModel['kinds'] = null;
  if (allowed['kinds'] !== undefined) {
    kinds = listField(ctx, o, [...at, 'allowedRoutes', 'kinds'], allowed['kinds'], 'allowedRoutes.kinds')
      .filter(isRecord)
      .map((k) => ({ group: typeof k['group'] === 'string' ? k['group'] : GATEWAY_GROUP, kind: String(k['kind']) }));
  }
  return { gateway: gw, index: i, name, port, protocol, hostname, from, ...(from === 'Selector' ? { selector: ns['selector'] } : {}), kinds };
}

function readHostname(ctx: AdaptContext, o: K8sObject, at: Array<string | number>, value: unknown, protocol: string): string | null {
  const h = stringField(ctx, o, at, value, 'listener hostname');
  if (h === undefined) return null;
  if (!HOSTNAME_PATTERN.test(h) || looksLikeIp(h)) {
    ctx.error(o, at, 'GL_E_CONFIG_INVALID', `'${h}' is not a valid listener hostname`, 'a lower-case DNS name, optionally starting with "*." (no IP addresses, no port)');
    return null;
  }
  if (protocol === 'TCP' || protocol === 'UDP') {
    ctx.warn(o, at, 'GL_W_NO_EFFECT', `hostname has no effect on a ${protocol} listener`);
  }
  return h;
}

/** The Gateway gatelab assumes for a parentRef when the input declares no Gateway at all. */
export function implicitGateway(namespace: string, name: string): GatewayModel {
  const gw: GatewayModel = { key: `${namespace}/${name}`, namespace, name, listeners: [] };
  gw.listeners.push(
    { gateway: gw, index: 0, name: 'http', port: 80, protocol: 'HTTP', hostname: null, from: 'Same', kinds: null },
    { gateway: gw, index: 1, name: 'https', port: 443, protocol: 'HTTPS', hostname: null, from: 'Same', kinds: null },
  );
  return gw;
}
