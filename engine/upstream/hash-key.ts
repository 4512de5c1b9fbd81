/** The key a consistent-hash balancer hashes, read from the request the way the policy says. */
import type { RequestContext } from '../pipeline/types.ts';
import type { BalancerIR } from './policy.ts';

export function hashKeyOf(balancer: BalancerIR | undefined, ctx: RequestContext): string | undefined {
  // The sticky balancer reads its cookie whole (resty.cookie: the exact name, the first one sent).
  if (balancer?.kind === 'sticky') return cookieValue(ctx.request.headers.get('cookie') ?? '', balancer.cookie);
  if (!balancer || (balancer.kind !== 'ring-hash' && balancer.kind !== 'maglev' && balancer.kind !== 'nginx-chash')) return undefined;
  const on = balancer.hashOn;
  switch (on.source) {
    case 'ip':
      return ctx.clientIp;
    case 'path':
      // nginx's $request_uri is the request line's target, query string included.
      if (balancer.kind === 'nginx-chash' && balancer.variable === 'request_uri' && ctx.request.query !== '') return `${ctx.request.path}?${ctx.request.query}`;
      return ctx.request.path;
    case 'header':
      return ctx.request.headers.get(on.name) ?? undefined;
    case 'cookie':
      return cookieValue(ctx.request.headers.get('cookie') ?? '', on.name);
    case 'query':
      return queryValue(ctx.request.query, on.name);
  }
}

function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function queryValue(query: string, name: string): string | undefined {
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key === name) return eq < 0 ? '' : part.slice(eq + 1);
  }
  return undefined;
}
