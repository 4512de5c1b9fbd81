/**
 * What Kong's auth plugins share (semantics §6): how a consumer is attached to a request and announced
 * to the upstream (X-Consumer-* headers, which also wipes any a client forged), the `anonymous`
 * fallback, preflight skipping, the 401 shape with WWW-Authenticate, and constant-time comparison.
 */
import type { ConsumerIR, CredentialIR } from '../../config/ir.ts';
import type { HeaderMap } from '../../pipeline/headers.ts';
import { reply, type DecisionData, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { kongErrorReply } from './kong-error-response.ts';
import { kongLuaErrorReply } from './kong-error-handler.ts';

const JSON_TYPE: [string, string] = ['Content-Type', 'application/json; charset=utf-8'];

/** Kong's constants.HEADERS for the upstream. */
export const CONSUMER_HEADERS = {
  id: 'X-Consumer-ID',
  customId: 'X-Consumer-Custom-ID',
  username: 'X-Consumer-Username',
  credential: 'X-Credential-Identifier',
  anonymous: 'X-Anonymous-Consumer',
} as const;

/**
 * The request headers as Kong's `kong.request.get_header` sees them in the access phase: what the
 * client sent plus whatever earlier plugins set through `kong.service.request` (both write nginx's
 * request headers). A plugin that runs later sees those changes; one that runs earlier cannot.
 */
export function currentHeaders(ctx: RequestContext): HeaderMap {
  return ctx.upstream.headers;
}

/** One encoder for every comparison that still needs bytes (strings with surrogates). */
const UTF8 = new TextEncoder();
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Compares without stopping at the first difference, so timing does not reveal a key's prefix. Equal
 * means equal as UTF-8 (a lone surrogate encodes as U+FFFD). Without surrogate code units both strings
 * are well formed, and then their UTF-8 bytes are equal exactly when their code units are: comparing
 * units skips two TextEncoder calls per comparison, which showed in the proxy's profile.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return constantTimeEqualUnits(a, b);
  return constantTimeEqualBytes(UTF8.encode(a), UTF8.encode(b));
}

/** Whether a string holds a surrogate code unit: only then must a comparison go through UTF-8. */
export function hasSurrogate(s: string): boolean {
  return SURROGATE.test(s);
}

/** constantTimeEqual for two strings known to hold no surrogate code unit. */
export function constantTimeEqualUnits(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  // Past the end charCodeAt is NaN, which `^` reads as 0 (the length difference already counts).
  for (let i = 0; i < n; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function constantTimeEqualBytes(x: Uint8Array, y: Uint8Array): boolean {
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** The consumer an `anonymous` setting (or a plugin scope) names: by id, then by username. */
export function findConsumer(consumers: readonly ConsumerIR[], ref: string): ConsumerIR | undefined {
  return consumers.find((c) => c.id === ref) ?? consumers.find((c) => c.username === ref);
}

export interface FoundCredential {
  consumer: ConsumerIR;
  credential: CredentialIR;
}

/**
 * Every credential of one kind whose `field` equals `value`, checked against all of them in constant
 * time per comparison (no early exit on the first match), so the lookup time does not depend on which
 * key matched.
 */
export function findCredential(consumers: readonly ConsumerIR[], kind: string, field: string, value: string): FoundCredential | undefined {
  let found: FoundCredential | undefined;
  for (const consumer of consumers) {
    for (const credential of consumer.credentials) {
      if (credential.kind !== kind) continue;
      const stored = credential.fields[field];
      if (typeof stored === 'string' && constantTimeEqual(stored, value) && !found) found = { consumer, credential };
    }
  }
  return found;
}

/**
 * Kong's `set_consumer`: attach the consumer (and credential) to the request and tell the upstream
 * who it is. Headers that do not apply are cleared, so a client cannot forge X-Consumer-Username.
 */
export function authenticate(ctx: RequestContext, consumer: ConsumerIR | undefined, credential?: { id: string; identifier: string }): void {
  const h = ctx.upstream.headers;
  setOrClear(h, CONSUMER_HEADERS.id, consumer?.id);
  setOrClear(h, CONSUMER_HEADERS.customId, consumer?.customId);
  setOrClear(h, CONSUMER_HEADERS.username, consumer?.username);
  ctx.consumer = consumer;
  if (credential) {
    ctx.credentialId = credential.id;
    h.set(CONSUMER_HEADERS.credential, credential.identifier);
    h.delete(CONSUMER_HEADERS.anonymous);
  } else {
    delete ctx.credentialId;
    h.delete(CONSUMER_HEADERS.credential);
    h.set(CONSUMER_HEADERS.anonymous, 'true');
  }
}

/** A module function, not a closure made (and, under tsx, named) on every authenticated request. */
function setOrClear(h: HeaderMap, name: string, value: string | undefined): void {
  if (value !== undefined) h.set(name, value);
  else h.delete(name);
}

export function consumerName(c: ConsumerIR): string {
  return c.username ?? c.customId ?? c.id;
}

/**
 * Kong's auth failure through kong.response.error (key-auth, basic-auth, acl): WWW-Authenticate, and
 * the message and request id in the format the client's Accept asks for (JSON by default).
 */
export function kongAuthFailure(
  ctx: RequestContext,
  status: number,
  message: string,
  wwwAuthenticate: string | undefined,
  reason: string,
  data?: DecisionData,
): Verdict {
  const headers: Array<[string, string]> = wwwAuthenticate ? [['WWW-Authenticate', wwwAuthenticate]] : [];
  return kongErrorReply(ctx, status, message, reason, { headers, data: { ...data, message } });
}

/** A reply whose body is exactly this JSON (Kong's claim errors have no `message`). */
export function kongJsonReply(status: number, body: unknown, headers: Array<[string, string]>, reason: string, data?: DecisionData): Verdict {
  return reply(status, reason, { headers: [...headers, JSON_TYPE], body: JSON.stringify(body), data });
}

/**
 * Kong's `anonymous` (a logical OR between auth plugins): when authentication failed, continue as the
 * anonymous consumer instead of answering the failure. Kong answers 500 when that consumer is missing.
 */
export function fallBackToAnonymous(
  ctx: RequestContext,
  consumers: readonly ConsumerIR[],
  anonymous: string,
  plugin: string,
  failure: string,
): Verdict {
  const anon = findConsumer(consumers, anonymous);
  if (!anon) {
    // Kong raises a Lua error here; its error handler writes the 500 (kong/error_handlers.lua).
    return kongLuaErrorReply(ctx, `${plugin}: ${failure}; the anonymous consumer '${anonymous}' does not exist, so Kong answers 500`);
  }
  authenticate(ctx, anon);
  return { kind: 'next', reason: `${failure}; continuing as the anonymous consumer ${consumerName(anon)} (X-Anonymous-Consumer: true)`, data: { anonymous: consumerName(anon), failure } };
}
