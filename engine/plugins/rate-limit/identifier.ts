/**
 * Who shares a counter: Kong's `get_identifier` (semantics §1). Every `limit_by` falls back to the
 * client IP (after real-ip processing) when its entity is absent — which is why an unauthenticated
 * client is limited per IP even when the config says `consumer`.
 */
import type { RequestContext } from '../../pipeline/types.ts';
import type { KongRateLimitingConfig } from './config.ts';

export interface Identifier {
  value: string;
  /** What the value is, for a sentence: "consumer", "credential", "ip", "service", "header x-api-key", "path". */
  kind: string;
  /** True when the chosen entity was absent and the client IP stood in. */
  fellBack: boolean;
}

/** The client IP as the identifier; a module function, not a closure made (and named by tsx) per request. */
function ip(ctx: RequestContext, fellBack: boolean): Identifier {
  return { value: ctx.clientIp, kind: 'ip', fellBack };
}

export function resolveIdentifier(config: KongRateLimitingConfig, ctx: RequestContext): Identifier {
  switch (config.limit_by) {
    case 'consumer':
      if (ctx.consumer?.id !== undefined) return { value: ctx.consumer.id, kind: 'consumer', fellBack: false };
      if (ctx.credentialId !== undefined) return { value: ctx.credentialId, kind: 'credential', fellBack: false };
      return ip(ctx, true);
    case 'credential':
      return ctx.credentialId !== undefined ? { value: ctx.credentialId, kind: 'credential', fellBack: false } : ip(ctx, true);
    case 'ip':
      return ip(ctx, false);
    case 'service': {
      const id = ctx.match?.service?.id;
      return id !== undefined ? { value: id, kind: 'service', fellBack: false } : ip(ctx, true);
    }
    case 'header': {
      // kong.request.get_header returns the first value; an empty value is still a value in Lua.
      const value = config.header_name !== undefined ? ctx.request.headers.get(config.header_name) : undefined;
      return value !== undefined ? { value, kind: `header ${config.header_name?.toLowerCase()}`, fellBack: false } : ip(ctx, true);
    }
    case 'path':
      return config.path !== undefined && ctx.request.path === config.path ? { value: ctx.request.path, kind: 'path', fellBack: false } : ip(ctx, true);
  }
}

/** "ip 203.0.113.7", "consumer 8f2…", "ip 203.0.113.7 (no consumer, so the client IP)". */
export function describeIdentifier(id: Identifier, limitBy: string): string {
  const base = `${id.kind} ${id.value}`;
  return id.fellBack ? `${base} (no ${limitBy} on this request, so the client IP)` : base;
}
