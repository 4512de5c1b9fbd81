/**
 * Header checks every host runs before the dialect sees a request (the simulation and the proxy
 * alike, so a lesson predicts the proxy's answer). Socket-level framing (Transfer-Encoding, header
 * counts, absolute-form URIs, timeouts) lives in engine/runtimes/proxy; these are the rules that
 * only need the header list:
 *
 * - More than one Host line → 400. RFC 9112 §3.2 says a server MUST answer 400 to that; two hosts
 *   let the router and the backend disagree about which site was asked for.
 * - More than one Authorization (or Proxy-Authorization) line → 400. An auth plugin reads the first
 *   line while a backend may read the last: one credential checked, another one used.
 * - Connection tokens are confined. A header the Connection line names is hop-by-hop by the client's
 *   own word (RFC 9110 §7.6.1), so its lines are removed now, on arrival, and the Connection line
 *   keeps only its keywords. Hop-by-hop stripping later in the dialect then cannot remove a header the
 *   gateway itself added (X-Consumer-ID, an Authorization set by request-transformer, X-Real-IP).
 *   Stricter than Kong, which clears the named headers after its access phase.
 */
import type { HeaderMap } from './headers.ts';
import type { ChainStage, ReplyVerdict } from './chain.ts';
import { parseConnectionTokens } from '../net/hop-by-hop.ts';

export type HeaderRefusalCode = 'GL_E_DUPLICATE_HOST' | 'GL_E_DUPLICATE_AUTHORIZATION';

export interface HeaderRefusal {
  status: 400;
  code: HeaderRefusalCode;
  /** One sentence for the client and the trace: what was wrong and what to send instead. */
  reason: string;
}

/** Connection values that describe the connection itself rather than name a header. */
const CONNECTION_KEYWORDS = new Set(['close', 'keep-alive', 'upgrade']);

const SINGLE_CREDENTIALS = ['authorization', 'proxy-authorization'];

/** The answer when nothing was removed, shared (callers only read it): most requests end here. */
const NONE_REMOVED: readonly string[] = [];

/** The first rule the headers break, or undefined when they are acceptable. */
export function refuseHeaders(headers: HeaderMap): HeaderRefusal | undefined {
  // Counting, not getAll: three arrays per request for headers that are almost always single.
  const hosts = headers.count('host');
  if (hosts > 1) {
    return { status: 400, code: 'GL_E_DUPLICATE_HOST', reason: `the request has ${hosts} Host lines; send exactly one` };
  }
  for (const name of SINGLE_CREDENTIALS) {
    const lines = headers.count(name);
    if (lines > 1) {
      const spelled = name === 'authorization' ? 'Authorization' : 'Proxy-Authorization';
      return { status: 400, code: 'GL_E_DUPLICATE_AUTHORIZATION', reason: `the request has ${lines} ${spelled} lines; send one credential` };
    }
  }
  return undefined;
}

/**
 * Removes, in place, the client's lines of every header its Connection line names, and rewrites
 * Connection to its keywords (or drops it). Returns the lower-case names removed, for the trace.
 */
export function confineConnectionTokens(headers: HeaderMap): readonly string[] {
  if (!headers.has('connection')) return NONE_REMOVED;
  const lines = headers.getAll('connection');
  const tokens = parseConnectionTokens(lines);
  const named = tokens.filter((t) => !CONNECTION_KEYWORDS.has(t) && t !== 'connection');
  if (named.length === 0) return NONE_REMOVED;
  const removed: string[] = [];
  for (const name of named) {
    if (headers.delete(name)) removed.push(name);
  }
  const keywords = tokens.filter((t) => CONNECTION_KEYWORDS.has(t));
  if (keywords.length > 0) headers.set('Connection', keywords.join(', '));
  else headers.delete('connection');
  return removed;
}

/** The trace's name for this step: decisions read plugin and phase only. */
export const REQUEST_GUARD_STAGE: ChainStage = { plugin: 'request-guard', phase: 'rewrite', run: () => ({ kind: 'next', reason: '' }) };

/** The gateway's 400: the code and the sentence in a JSON body with the request id, like the proxy's own refusals. */
export function refusalVerdict(refusal: HeaderRefusal, requestId: string): ReplyVerdict {
  return {
    kind: 'reply',
    status: refusal.status,
    reason: `${refusal.code}: ${refusal.reason}`,
    headers: [['content-type', 'application/json; charset=utf-8']],
    body: JSON.stringify({ message: refusal.reason, code: refusal.code, request_id: requestId }),
  };
}
