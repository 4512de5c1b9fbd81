/**
 * Kong's traditional_compatible router turns each route into one or more matchers with a 64-bit
 * priority and tries them from the highest priority down (kong/router/transform.lua, get_priority;
 * Kong/atc-router, Router::try_match). A route whose paths differ in kind or length is split first,
 * one matcher per group, so that each group carries its own prefix length (kong/router/compat.lua).
 */
import type { RE2JS } from 're2js';
import type { GatewayIR, RouteIR, ServiceIR } from '../config/ir.ts';
import { KONG_SPLIT_ROUTE_NAMESPACE, uuidV5 } from '../config/kong/uuid.ts';
import { compileKongRegex, kongPathPattern } from './kong-regex.ts';

/** The parts of Kong's priority, most significant first (rules (1)–(5) of semantics §6). */
export interface KongPriority {
  /** (1) How many of methods, hosts, headers, paths the route sets (snis are not modelled). */
  fields: number;
  /** (2) Hosts are set and none has a wildcard. */
  plainHostsOnly: boolean;
  /** (3) How many header names the route requires (capped at 255, as Kong does). */
  headerCount: number;
  /** (4) Regex paths beat prefix paths … */
  regex: boolean;
  /** … and among regex routes the higher regex_priority wins. */
  regexPriority: number;
  /** (5) The prefix length in bytes (Kong masks it to 19 bits). */
  prefixLength: number;
}

export type HostPattern = { kind: 'exact' | 'suffix' | 'prefix'; value: string; port?: number; source: string };

export type HeaderValueMatcher = { kind: 'equals'; value: string } | { kind: 'regex'; re: RE2JS; source: string };

export interface KongMatcher {
  /** The route's id, or for a split route the id Kong derives for the group. */
  id: string;
  route: RouteIR;
  service: ServiceIR | undefined;
  /** Plain paths: character prefixes; `exact` only for IR from non-Kong sources (Kong has no exact paths). */
  prefixes: Array<{ value: string; exact: boolean }>;
  regexes: Array<{ source: string; re: RE2JS }>;
  hosts: HostPattern[];
  methods: string[];
  headers: Array<{ name: string; values: HeaderValueMatcher[] }>;
  priority: KongPriority;
}

const utf8 = new TextEncoder();

export function buildMatchers(ir: GatewayIR): KongMatcher[] {
  const services = new Map(ir.services.map((s) => [s.name, s]));
  const out: KongMatcher[] = [];
  for (const route of ir.routes) {
    const service = route.service === null ? undefined : services.get(route.service);
    for (const group of splitPaths(route)) out.push(matcherFor(route, service, group.id, group.paths));
  }
  return out.sort(compareMatchers);
}

/** Kong's split: a route with several paths becomes one matcher per (regex | prefix length) group. */
function splitPaths(route: RouteIR): Array<{ id: string; paths: RouteIR['paths'] }> {
  if (route.paths.length <= 1) return [{ id: route.id, paths: route.paths }];
  const groups = new Map<string, RouteIR['paths']>();
  for (const p of route.paths) {
    const key = p.kind === 'regex' ? 'true' : String(utf8.encode(p.value).length);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  if (groups.size === 1) return [{ id: route.id, paths: route.paths }];
  return [...groups].map(([key, paths]) => ({ id: uuidV5(KONG_SPLIT_ROUTE_NAMESPACE, `${route.id}#${key}`), paths }));
}

function matcherFor(route: RouteIR, service: ServiceIR | undefined, id: string, paths: RouteIR['paths']): KongMatcher {
  const prefixes: KongMatcher['prefixes'] = [];
  const regexes: KongMatcher['regexes'] = [];
  for (const p of paths) {
    if (p.kind === 'regex') {
      const compiled = compileKongRegex(kongPathPattern(`~${p.value}`));
      // The adapter rejects patterns that do not compile; an IR from elsewhere just loses the path.
      if (compiled.ok) regexes.push({ source: `~${p.value}`, re: compiled.re });
    } else {
      prefixes.push({ value: p.value, exact: p.kind === 'exact' });
    }
  }
  const headers = Object.entries(route.headers).map(([name, values]) => ({ name: name.toLowerCase(), values: values.map(headerValue) }));
  const hosts = route.hosts.map(hostPattern);
  const regex = regexes.length > 0;
  const priority: KongPriority = {
    fields: [route.methods.length, route.hosts.length, headers.length, paths.length].filter((n) => n > 0).length,
    plainHostsOnly: hosts.length > 0 && hosts.every((h) => h.kind === 'exact'),
    headerCount: Math.min(headers.length, 255),
    regex,
    regexPriority: regex ? route.regexPriority : 0,
    prefixLength: regex ? 0 : Math.min(Math.max(0, ...prefixes.map((p) => utf8.encode(p.value).length)), 0x7ffff),
  };
  return { id, route, service, prefixes, regexes, hosts, methods: route.methods, headers, priority };
}

function headerValue(v: string): HeaderValueMatcher {
  if (v.startsWith('~*')) {
    const compiled = compileKongRegex(v.slice(2).toLowerCase());
    if (compiled.ok) return { kind: 'regex', re: compiled.re, source: v };
  }
  return { kind: 'equals', value: v.toLowerCase() };
}

/** `*.example.com` matches by suffix, `example.*` by prefix; `host:port` also needs that listener port. */
export function hostPattern(source: string): HostPattern {
  const colon = source.indexOf(':');
  const port = colon >= 0 ? Number(source.slice(colon + 1)) : NaN;
  const name = (Number.isInteger(port) ? source.slice(0, colon) : source).toLowerCase();
  const withPort = Number.isInteger(port) ? { port } : {};
  if (name.startsWith('*')) return { kind: 'suffix', value: name.slice(1), source, ...withPort };
  if (name.endsWith('*')) return { kind: 'prefix', value: name.slice(0, -1), source, ...withPort };
  return { kind: 'exact', value: name, source, ...withPort };
}

/** Higher priority first; equal priorities go by matcher id, highest first, as atc-router iterates them. */
export function compareMatchers(a: KongMatcher, b: KongMatcher): number {
  return comparePriority(b.priority, a.priority) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Positive when `a` outranks `b`. */
export function comparePriority(a: KongPriority, b: KongPriority): number {
  return (
    a.fields - b.fields ||
    Number(a.plainHostsOnly) - Number(b.plainHostsOnly) ||
    a.headerCount - b.headerCount ||
    Number(a.regex) - Number(b.regex) ||
    a.regexPriority - b.regexPriority ||
    a.prefixLength - b.prefixLength
  );
}
