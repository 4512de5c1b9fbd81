/**
 * Traefik v2's rule syntax, which v3 still runs for a router that sets `syntax: v2` (IngressRoute
 * `spec.routes[].syntax`, deprecated) or when the static `core.defaultRuleSyntax` is v2. Matchers
 * take several arguments (any one may match), paths and hosts are gorilla/mux templates, `Headers`,
 * `HeadersRegexp` and `HostHeader` exist, and `Query` takes `key=value`. Ported from
 * traefik/traefik pkg/muxer/http/matcher_v2.go.
 */
import type { RE2JS } from 're2js';
import { parseCidrList } from '../net/cidr.ts';
import { normalizeIp } from '../net/ip-address.ts';
import type { MatchFn, MatcherError, MatcherSpec } from './traefik-matchers.ts';
import { compileTemplate, type TemplateKind } from './traefik-gorilla.ts';
import { compileGoRegex, goMatch } from './traefik-regex.ts';
import { goQueryUnescape, type TraefikRequestView } from './traefik-request.ts';

const ANY = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] as const;
const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);

function templates(args: readonly string[], kind: TemplateKind, read: (req: TraefikRequestView) => string): MatchFn | MatcherError {
  const res: RE2JS[] = [];
  for (const [i, a] of args.entries()) {
    const c = compileTemplate(a, kind);
    if (!c.ok) return { message: c.error, arg: i };
    res.push(c.re);
  }
  return (req) => res.some((re) => goMatch(re, read(req)));
}

function pairs(args: readonly string[], what: string): MatcherError | undefined {
  return args.length % 2 === 0 ? undefined : { message: `${what} takes name/value pairs; got ${args.length} arguments` };
}

function hostV2(args: readonly string[]): MatchFn | MatcherError {
  for (const [i, h] of args.entries()) {
    if (!isAscii(h)) return { message: `Host: invalid value "${h}": non-ASCII characters are not allowed`, arg: i };
  }
  const hosts = args.map((h) => h.toLowerCase());
  return (req) => {
    const reqHost = req.canonicalHost;
    if (reqHost === '') return false;
    return hosts.some(
      (h) => reqHost === h || (h.endsWith('.') && reqHost === h.slice(0, -1)) || (reqHost.endsWith('.') && reqHost.slice(0, -1) === h),
    );
  };
}

/** The value of the first `key=…` pair in the raw query (gorilla's findFirstQueryKey). */
function firstQueryValue(rawQuery: string, key: string): string | undefined {
  for (const pair of rawQuery.split('&')) {
    const eq = pair.indexOf('=');
    const k = goQueryUnescape(eq < 0 ? pair : pair.slice(0, eq));
    if (k !== key) continue;
    return goQueryUnescape(eq < 0 ? '' : pair.slice(eq + 1)) ?? '';
  }
  return undefined;
}

export const V2_MATCHERS: Readonly<Record<string, MatcherSpec>> = {
  Host: { arity: ANY, usage: 'Host(`a.example.com`, `b.example.com`)', build: hostV2 },
  HostHeader: { arity: ANY, usage: 'HostHeader(`example.com`)', build: hostV2 },
  HostRegexp: {
    arity: ANY,
    usage: 'HostRegexp(`{sub:[a-z]+}.example.com`)',
    build(args) {
      for (const [i, h] of args.entries()) if (!isAscii(h)) return { message: `HostRegexp: invalid value "${h}": non-ASCII characters are not allowed`, arg: i };
      return templates(args, 'host', (req) => req.canonicalHost);
    },
  },
  ClientIP: {
    arity: ANY,
    usage: 'ClientIP(`10.0.0.0/8`, `::1`)',
    build(args) {
      const { matcher, errors } = parseCidrList(args, { flavor: 'go' });
      if (errors.length > 0) return { message: `ClientIP: ${errors[0]?.message ?? ''}`, arg: errors[0]?.index ?? 0 };
      return (req) => {
        const ip = normalizeIp(req.remoteAddr);
        return ip !== undefined && matcher.contains(ip);
      };
    },
  },
  Path: { arity: ANY, usage: 'Path(`/users/{id:[0-9]+}`)', build: (args) => templates(args, 'path', (req) => req.routingPath) },
  PathPrefix: { arity: ANY, usage: 'PathPrefix(`/api`, `/v2`)', build: (args) => templates(args, 'prefix', (req) => req.routingPath) },
  Method: {
    arity: ANY,
    usage: 'Method(`GET`, `POST`)',
    build(args) {
      const methods = args.map((m) => m.toUpperCase());
      return (req) => methods.includes(req.method);
    },
  },
  Headers: {
    arity: [2, 4, 6, 8, 10, 12, 14, 16],
    usage: 'Headers(`X-Api-Version`, `2`)',
    build(args) {
      const bad = pairs(args, 'Headers');
      if (bad) return bad;
      const want = new Map<string, string>();
      for (let i = 0; i < args.length; i += 2) want.set((args[i] as string).toLowerCase(), args[i + 1] as string);
      // Every pair must hold; an empty value only asks that the header be present.
      return (req) => [...want].every(([k, v]) => {
        const values = req.headers.getAll(k);
        return values.length > 0 && (v === '' || values.includes(v));
      });
    },
  },
  HeadersRegexp: {
    arity: [2, 4, 6, 8, 10, 12, 14, 16],
    usage: 'HeadersRegexp(`Content-Type`, `application/(json|yaml)`)',
    build(args) {
      const bad = pairs(args, 'HeadersRegexp');
      if (bad) return bad;
      const want = new Map<string, ReturnType<typeof compileGoRegex> | undefined>();
      for (let i = 0; i < args.length; i += 2) {
        const pattern = args[i + 1] as string;
        const compiled = pattern === '' ? undefined : compileGoRegex(pattern);
        if (compiled && !compiled.ok) return { message: `HeadersRegexp: ${compiled.error}`, arg: i + 1 };
        want.set((args[i] as string).toLowerCase(), compiled);
      }
      return (req) => [...want].every(([k, c]) => {
        const values = req.headers.getAll(k);
        if (values.length === 0) return false;
        return !c || !c.ok || values.some((v) => goMatch(c.re, v));
      });
    },
  },
  Query: {
    arity: ANY,
    usage: 'Query(`mobile=true`)',
    build(args) {
      const parts = args.flatMap((a) => {
        const eq = a.indexOf('=');
        return eq < 0 ? [a] : [a.slice(0, eq), a.slice(eq + 1)];
      });
      if (parts.length % 2 !== 0) return { message: `Query: v2 takes key=value arguments; got ${JSON.stringify(args)}` };
      const checks: Array<{ key: string; re: MatchFn }> = [];
      for (let i = 0; i < parts.length; i += 2) {
        const key = parts[i] as string;
        const c = compileTemplate(`${key}=${parts[i + 1] as string}`, 'query');
        if (!c.ok) return { message: `Query: ${c.error}` };
        checks.push({
          key,
          re: (req) => {
            const v = firstQueryValue(req.rawQuery, key);
            return goMatch(c.re, v === undefined ? '' : `${key}=${v}`);
          },
        });
      }
      return (req) => checks.every((c) => c.re(req));
    },
  },
};
