/**
 * The inspector's words around a request's story that depend on who ended it: when it ended, and
 * what stands in an empty header table. They used to assume the gateway or the backend answered, so
 * a request the client gave up on said "answered 12:00:39.274" and "No response yet." (none was ever
 * coming), and a 502 from the front balancer said "No response yet." beside its 502 and "the gateway
 * answered itself" of a gateway that never got to answer.
 */
import type { RequestRow } from './trace-index.ts';

type Ended = Pick<RequestRow, 'endT' | 'status' | 'source'>;

/** The verb for the request's end in "sent …, answered …": the client that gave up got no answer. */
export function endVerb(row: Ended): string {
  return row.source === 'client' ? 'gave up at' : 'answered';
}

/** What the empty "Response headers the client got" table says. */
export function responseEmptyText(row: Ended): string {
  if (row.endT === Infinity || row.status === null) return 'No response yet.';
  if (row.source === 'client') return 'None: the client stopped waiting before an answer came.';
  if (row.source === 'front') return `The front balancer answered ${row.status} itself; gatelab does not model its headers.`;
  return 'Not recorded at this trace level.';
}

/** What the empty "Headers the backend saw" table says, for a request that never went upstream. */
export function backendEmptyText(row: Ended, sentUpstream: boolean): string {
  if (sentUpstream) return 'Sent without headers in this trace level.';
  if (row.endT === Infinity || row.status === null) return 'Not sent upstream by the cursor.';
  if (row.source === 'client') return 'Never sent upstream: the client gave up first.';
  if (row.source === 'front') return `Never sent upstream: the front balancer answered ${row.status} before the gateway could.`;
  return 'Never sent upstream: the gateway answered itself.';
}

/**
 * The client's retries carry their first try's id with ".retryN" (the engine's client-try): the
 * inspector names the tries before this one, so a student sees partner-700.retry3 is the client's
 * fourth go at partner-700 and can open the earlier ones. Null for a first try.
 */
export function clientTries(id: string, known: (id: string) => boolean): { attempt: number; first: string; earlier: string[] } | null {
  const m = /^(.*)\.retry(\d+)$/.exec(id);
  if (!m) return null;
  const first = m[1] as string;
  const attempt = Number(m[2]);
  const earlier = [first, ...Array.from({ length: attempt - 1 }, (_, i) => `${first}.retry${i + 1}`)].filter(known);
  return { attempt, first, earlier };
}

/**
 * A response body as the inspector prints it. A one-line JSON body (the circuit breaker's 503) ran on
 * as one string broken wherever the box ended ("brea ker", "142 0"): it is laid out one field per
 * line instead. A body already on several lines, or not JSON, is shown as it was sent.
 */
export function bodyForDisplay(body: string): { text: string; reformatted: boolean } {
  const trimmed = body.trim();
  if (body.includes('\n') || !/^[{[]/.test(trimmed)) return { text: body, reformatted: false };
  try {
    const text = JSON.stringify(JSON.parse(trimmed), null, 2);
    return { text, reformatted: text !== body };
  } catch {
    return { text: body, reformatted: false };
  }
}
