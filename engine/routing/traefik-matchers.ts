/**
 * The eleven matchers of Traefik v3's rule syntax, each with its parameter count and the checks
 * Traefik makes when it builds a router (an error there disables that router). Ported from
 * traefik/traefik pkg/muxer/http/matcher.go, pkg/muxer/muxer.go (host expressions) and
 * pkg/rules/parser.go (empty arguments are refused for every matcher).
 */
import { parseCidrList } from '../net/cidr.ts';
import { normalizeIp } from '../net/ip-address.ts';
import { compileGoRegex, goMatch } from './traefik-regex.ts';
import { parseGoQuery, type TraefikRequestView } from './traefik-request.ts';

export type MatchFn = (req: TraefikRequestView) => boolean;

/** An error building one matcher; `arg` is the index of the argument at fault, when there is one. */
export interface MatcherError {
  message: string;
  arg?: number;
}

export interface MatcherSpec {
  /** Accepted argument counts. */
  arity: readonly number[];
  /** What the arguments are, for messages: "Header(`key`, `value`)". */
  usage: string;
  build(args: readonly string[]): MatchFn | MatcherError;
}

const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);

/**
 * muxer.DomainMatchHostExpression: `*.example.com` matches exactly one label before example.com,
 * `**.example.com` one or more, neither matches example.com itself; otherwise case-insensitive equality.
 */
export function domainMatchesHostExpression(domain: string, expr: string): boolean {
  if (expr.startsWith('**.')) {
    const suffix = expr.slice(3);
    return domain.length > suffix.length + 1 && domain.slice(domain.length - suffix.length - 1).toLowerCase() === `.${suffix}`.toLowerCase();
  }
  if (expr.startsWith('*')) {
    const labels = domain.split('.');
    labels[0] = '*';
    return labels.join('.').toLowerCase() === expr.toLowerCase();
  }
  return domain.toLowerCase() === expr.toLowerCase();
}

function regexMatcher(pattern: string, arg: number, what: string, read: (req: TraefikRequestView) => readonly string[]): MatchFn | MatcherError {
  const compiled = compileGoRegex(pattern);
  if (!compiled.ok) return { message: `${what}: invalid regular expression: ${compiled.error}`, arg };
  const re = compiled.re;
  return (req) => read(req).some((v) => goMatch(re, v));
}

function pathArg(name: string, path: string): MatcherError | undefined {
  return path.startsWith('/') ? undefined : { message: `${name}: path "${path}" does not start with a "/"`, arg: 0 };
}

export const V3_MATCHERS: Readonly<Record<string, MatcherSpec>> = {
  ClientIP: {
    arity: [1],
    usage: 'ClientIP(`10.0.0.0/8`)',
    build([range]) {
      const { matcher, errors } = parseCidrList([range as string], { flavor: 'go' });
      if (errors.length > 0) return { message: `ClientIP: ${errors[0]?.message ?? 'not an IP or CIDR'}`, arg: 0 };
      // The TCP peer only; X-Forwarded-For is never read. A peer that is not an address matches nothing.
      return (req) => {
        const ip = normalizeIp(req.remoteAddr);
        return ip !== undefined && matcher.contains(ip);
      };
    },
  },
  Method: {
    arity: [1],
    usage: 'Method(`GET`)',
    build([m]) {
      const method = (m as string).toUpperCase();
      return (req) => req.method === method;
    },
  },
  Host: {
    arity: [1],
    usage: 'Host(`example.com`)',
    build([h]) {
      const raw = h as string;
      if (!isAscii(raw)) return { message: `Host: invalid value "${raw}": non-ASCII characters are not allowed (write the punycode form, xn--…)`, arg: 0 };
      if (raw.includes('/')) return { message: `Host: "${raw}" is not a host name (a path belongs in Path or PathPrefix)`, arg: 0 };
      const expr = raw.toLowerCase();
      return (req) => {
        const reqHost = req.canonicalHost;
        if (reqHost === '') return false;
        if (domainMatchesHostExpression(reqHost, expr)) return true;
        // A fully qualified name with its trailing dot matches the plain one, either way round.
        if (expr.endsWith('.') && domainMatchesHostExpression(reqHost, expr.slice(0, -1))) return true;
        return reqHost.endsWith('.') && domainMatchesHostExpression(reqHost.slice(0, -1), expr);
      };
    },
  },
  HostRegexp: {
    arity: [1],
    usage: 'HostRegexp(`^.+\\.example\\.com$`)',
    build([pattern]) {
      if (!isAscii(pattern as string)) return { message: `HostRegexp: invalid value "${pattern}": non-ASCII characters are not allowed`, arg: 0 };
      // Traefik also tries the CNAME-flattened host, which is '' unless flattening is on: a pattern
      // that matches the empty string therefore matches every request.
      return regexMatcher(pattern as string, 0, 'HostRegexp', (req) => [req.canonicalHost, '']);
    },
  },
  Path: {
    arity: [1],
    usage: 'Path(`/products`)',
    build([p]) {
      const path = p as string;
      return pathArg('Path', path) ?? ((req) => req.routingPath === path);
    },
  },
  PathPrefix: {
    arity: [1],
    usage: 'PathPrefix(`/products`)',
    build([p]) {
      const path = p as string;
      return pathArg('PathPrefix', path) ?? ((req) => req.routingPath.startsWith(path));
    },
  },
  PathRegexp: {
    arity: [1],
    usage: 'PathRegexp(`^/products/[0-9]+$`)',
    build([pattern]) {
      return regexMatcher(pattern as string, 0, 'PathRegexp', (req) => [req.routingPath]);
    },
  },
  Header: {
    arity: [2],
    usage: 'Header(`X-Api-Version`, `2`)',
    build([name, value]) {
      // Every value of the header is compared whole: "a, b" on one line is one value.
      return (req) => req.headers.getAll(name as string).includes(value as string);
    },
  },
  HeaderRegexp: {
    arity: [2],
    usage: 'HeaderRegexp(`Content-Type`, `^application/(json|yaml)$`)',
    build([name, pattern]) {
      return regexMatcher(pattern as string, 1, 'HeaderRegexp', (req) => req.headers.getAll(name as string));
    },
  },
  Query: {
    arity: [1, 2],
    usage: 'Query(`mobile`, `true`) or Query(`mobile`)',
    build([key, value]) {
      const want = value ?? '';
      return (req) => parseGoQuery(req.rawQuery).get(key as string)?.includes(want) ?? false;
    },
  },
  QueryRegexp: {
    arity: [1, 2],
    usage: 'QueryRegexp(`mobile`, `^(true|yes)$`)',
    build(args) {
      if (args.length === 1) return V3_MATCHERS.Query!.build(args);
      const key = args[0] as string;
      return regexMatcher(args[1] as string, 1, 'QueryRegexp', (req) => parseGoQuery(req.rawQuery).get(key) ?? []);
    },
  },
};

/** Traefik registers each matcher under its name, lower case, upper case and title case (Pathprefix). */
export function matcherSpellings(name: string): string[] {
  const lower = name.toLowerCase();
  return [name, lower, name.toUpperCase(), lower.charAt(0).toUpperCase() + lower.slice(1)];
}

/** The canonical name for a spelling Traefik accepts, or undefined. */
export function resolveMatcherName(spelling: string, names: Iterable<string>): string | undefined {
  for (const n of names) if (matcherSpellings(n).includes(spelling)) return n;
  return undefined;
}
