/**
 * What an expectation says when the request it names has nothing to measure. "got no request
 * valid-11 in the trace" alone leaves an author guessing; saying how many requests that client sent,
 * or how the request ended instead of reaching a backend, points at the fix.
 */
import type { TraceIndex } from './expect-index.ts';

/** Same form as the loader checks (convert-expect.ts): `<client>-<n>`, a retry adds `.retry<k>`. */
const REQUEST_ID = /^(.+)-\d+(?:\.retry\d+)?$/;

/** The request is not in the trace: say what its client did send. */
export function noRequest(ix: TraceIndex, id: string): string {
  const client = REQUEST_ID.exec(id)?.[1];
  if (client === undefined) return `no request ${id} in the trace`;
  // Count first tries only: retries carry `.retry<k>` and are numbered under their first try.
  let sent = 0;
  for (const e of ix.ends) if (e.client === client && !e.req.includes('.retry')) sent++;
  if (sent === 0) return `no request ${id} in the trace (client ${client} sent none)`;
  const range = sent === 1 ? `${client}-1` : `${client}-1 to ${client}-${sent}`;
  return `no request ${id} in the trace (client ${client} sent ${sent}: ${range})`;
}

/** The request never reached a backend: say how it ended, or that it does not exist. */
export function neverSent(ix: TraceIndex, id: string): string {
  const end = ix.endOf(id);
  if (!end) return noRequest(ix, id);
  return `request ${id} never reached a backend (it ended with ${end.status} from the ${end.source})`;
}

/**
 * A request.end without a body. The trace keeps bodies only at the full level, and there it keeps the
 * headers too, so headers without a body mean the body was empty. `gatelab check` runs at full, so
 * blaming the level there would send an author looking in the wrong place.
 */
export function noBody(ix: TraceIndex, id: string): string {
  const end = ix.endOf(id);
  if (!end) return noRequest(ix, id);
  if (end.source === 'client') return `request ${id} got no response: the client gave up (status 0)`;
  if (end.source === 'front') return `request ${id} was answered ${end.status} by the front balancer, which sends no body`;
  if (end.headers !== undefined) return `the response to ${id} (status ${end.status}) had an empty body`;
  return `no body for ${id} (bodies are kept at the full trace level)`;
}

/**
 * No decision by that stage. Subjects name gatelab's plugin ids, which are not always the vendor's
 * names (Kong's rate-limiting is `rate-limit`), so list the stages that did decide.
 */
export function noDecision(ix: TraceIndex, id: string, plugin: string, phase: string | undefined): string {
  const what = `no ${plugin} decision${phase ? ` in phase ${phase}` : ''} for request ${id}`;
  const deciders = ix.decidersOf(id);
  return deciders.length > 0 ? `${what} (stages that decided: ${deciders.join(', ')})` : what;
}
