/**
 * Access log lines derived from the trace (plus, in `gatelab serve`, the socket's WireFacts below):
 * ingress-nginx's default `upstreaminfo` format (semantics §11) and a JSON form with the same fields.
 *
 *   $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer"
 *   "$http_user_agent" $request_length $request_time [$proxy_upstream_name]
 *   [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length
 *   $upstream_response_time $upstream_status $req_id
 *
 * The lesson's annotated example is shorter: it drops $request_length, the upstream name, address and
 * status, and shows the request id quoted; the real default has every field above, unquoted req_id.
 */
import type { HeaderRecord, TraceEvent, TraceEventType } from '../trace/events.ts';
import { DEFAULT_SECRET_NAMES, redactHeaderRecord, redactQuery, type SecretNames } from './redact.ts';
import { traceRequestLength, utf8Length } from './request-length.ts';

/**
 * What only the proxy's sockets know about a request, handed to the builder beside its trace event,
 * never inside it: at `decisions` level the trace carries no headers and no body, and adding these to
 * the events would change every trace hash and the two hosts' shared trace. The proxy fills it before
 * it emits request.start (referer, userAgent: first values as received, already redacted) and
 * request.end (the three byte counts). The proxy reuses one object for every request: a listener
 * copies what it needs during the call.
 */
export interface WireFacts {
  referer: string | null;
  userAgent: string | null;
  /** Response body bytes written to the client: nginx's $body_bytes_sent. */
  bodyBytesSent: number;
  /** The request as received, line, headers and body: nginx's $request_length (request-length.ts). */
  requestLength: number;
  /**
   * Body bytes of the upstream answer that became the response (streamed or read by a plugin):
   * the last try's $upstream_response_length. Earlier tries count 0, as in nginx (below).
   */
  upstreamBytes: number;
}

export interface AccessRecord {
  remoteAddr: string;
  /** Epoch ms when the request arrived. */
  time: number;
  method: string;
  uri: string;
  protocol: string;
  status: number;
  bodyBytesSent: number | null;
  referer: string | null;
  userAgent: string | null;
  requestLength: number | null;
  /** Seconds, first byte read to last byte sent. */
  requestTime: number;
  upstreamName: string | null;
  upstreamAddr: string[];
  /** Body bytes obtained from the upstream, one entry per try like upstreamAddr. */
  upstreamResponseLength: number[];
  upstreamResponseTime: number[];
  upstreamStatus: number[];
  requestId: string;
}

/** Credentials never reach a log: Authorization, cookies and API keys are replaced (redact.ts). */
export function redactHeaders(headers: HeaderRecord, names: SecretNames = DEFAULT_SECRET_NAMES): HeaderRecord {
  return redactHeaderRecord(headers, names);
}

/**
 * One request's record while it is open, returned as its AccessRecord at request.end: a class with
 * every field set up front (one shape for all), and the same object is the result, so a request
 * costs one record instead of a partial one plus a copy.
 */
class OpenRecord implements AccessRecord {
  protocol = 'HTTP/1.1';
  status = 0;
  bodyBytesSent: number | null = null;
  requestLength: number | null = null;
  requestTime = 0;
  upstreamName: string | null = null;
  upstreamAddr: string[] = [];
  upstreamResponseLength: number[] = [];
  upstreamResponseTime: number[] = [];
  upstreamStatus: number[] = [];

  constructor(
    readonly remoteAddr: string,
    readonly time: number,
    readonly method: string,
    readonly uri: string,
    readonly referer: string | null,
    readonly userAgent: string | null,
    readonly requestId: string,
  ) {}
}

/** Distinct request URLs whose logged uri a builder remembers (clients choose URLs: bounded). */
const URI_MEMORY = 1024;

/**
 * The only event types AccessLogBuilder.add reads (the cases of its switch): a live host may send it
 * just these (LiveSink.subscribe's `types`).
 */
export const ACCESS_LOG_EVENT_TYPES = ['request.start', 'upstream.send', 'upstream.response', 'request.end'] as const satisfies readonly TraceEventType[];

/** Folds one request's trace events into access records, emitted at request.end. */
export class AccessLogBuilder {
  private readonly open = new Map<string, OpenRecord>();
  /**
   * request URL → the uri logged for it. A proxy sees the same few URLs again and again, and the cut
   * (two regular expressions) plus the secret-parameter scan was the largest part of `add`; both are
   * functions of the URL alone, given this builder's secret names.
   */
  private readonly uris = new Map<string, string>();

  constructor(
    private readonly startEpochMs: number,
    /** Whose values the uri hides: API-key query parameters (redact.ts). */
    private readonly secrets: SecretNames = DEFAULT_SECRET_NAMES,
  ) {}

  /**
   * `wire`: the proxy's facts for this event (WireFacts); without them the headers and body come from
   * the trace itself, which carries them at level `full` (the simulation, the lab).
   */
  add(event: TraceEvent, wire?: WireFacts): AccessRecord | undefined {
    switch (event.type) {
      case 'request.start': {
        const h = event.headers;
        const record = new OpenRecord(
          event.peerIp,
          this.startEpochMs + event.t,
          event.method,
          this.uriOf(event.url),
          wire ? wire.referer : h ? this.refererOf(first(h.referer)) : null,
          wire ? wire.userAgent : h ? first(h['user-agent']) : null,
          event.req,
        );
        // Without the proxy's count, a `full` trace's request line and headers give it (the proxy fills
        // it at request.end, when the body has been read).
        if (!wire && h) record.requestLength = traceRequestLength(event.method, event.url, h);
        this.open.set(event.req, record);
        return undefined;
      }
      case 'upstream.send': {
        const r = this.open.get(event.req);
        if (r) {
          // The first try replaces the empty list with a one-element one: push on an empty array
          // reserves seventeen slots (≈ 150 bytes), and nearly every request makes one try.
          // Every try starts at 0 bytes; only the try whose answer became the response is counted at
          // request.end. nginx counts a body as it reads it, and it reads none of an answer it retries
          // (proxy_next_upstream decides on the status line and headers): that try prints 0.
          if (r.upstreamAddr.length === 0) {
            r.upstreamAddr = [event.target];
            r.upstreamResponseLength = [0];
          } else {
            r.upstreamAddr.push(event.target);
            r.upstreamResponseLength.push(0);
          }
          r.upstreamName = event.service;
        }
        return undefined;
      }
      case 'upstream.response': {
        const r = this.open.get(event.req);
        if (r) {
          const seconds = event.ms / 1000;
          const status = event.status === 0 ? 502 : event.status;
          // One-element lists for the first answer, as for upstreamAddr above.
          if (r.upstreamStatus.length === 0) {
            r.upstreamResponseTime = [seconds];
            r.upstreamStatus = [status];
          } else {
            r.upstreamResponseTime.push(seconds);
            r.upstreamStatus.push(status);
          }
        }
        return undefined;
      }
      case 'request.end': {
        const r = this.open.get(event.req);
        if (!r) return undefined;
        this.open.delete(event.req);
        r.status = event.status;
        r.bodyBytesSent = wire ? wire.bodyBytesSent : event.body !== undefined ? utf8Length(event.body) : null;
        r.requestTime = event.ms / 1000;
        if (wire) r.requestLength = wire.requestLength;
        const tries = r.upstreamResponseLength.length;
        if (tries > 0) r.upstreamResponseLength[tries - 1] = wire ? wire.upstreamBytes : upstreamBytesOf(event);
        return r;
      }
      default:
        return undefined;
    }
  }

  /** A Referer is a URL a client may have put an API key in: its secret parameters are hidden like the uri's. */
  private refererOf(referer: string | null): string | null {
    return referer === null ? null : redactQuery(referer, this.secrets);
  }

  private uriOf(url: string): string {
    let uri = this.uris.get(url);
    if (uri === undefined) {
      uri = redactQuery(pathAndQuery(url), this.secrets);
      if (this.uris.size >= URI_MEMORY) this.uris.clear();
      this.uris.set(url, uri);
    }
    return uri;
  }
}


function first(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

/**
 * `pathname + search` of a request URL as WHATWG URL gives them (percent-encoding, dot segments
 * resolved), or the text itself when it is no URL. Parsing a URL per request was the access log's
 * largest cost, so a URL that parsing could not change is cut instead (plainPathAndQuery).
 */
export function pathAndQuery(url: string): string {
  const plain = plainPathAndQuery(url);
  if (plain !== undefined) return plain;
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

/**
 * http(s)://authority/path?query where the path and query hold only characters URL keeps as they
 * are, no segment starts with `.` or `%2e` (a dot segment URL would resolve), and the authority is
 * one URL accepts (checked once per distinct authority and remembered).
 */
const PLAIN_URL = /^(https?:\/\/[^/?#\\@\s]+)(\/[A-Za-z0-9\-._~!$&()*+,;=:@%/]*)?(?:\?([A-Za-z0-9\-._~!$&()*+,;=:@%/?]*))?$/;
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e)/i;
const authorityOk = new Map<string, boolean>();
const AUTHORITY_MEMORY = 1024;

function plainPathAndQuery(url: string): string | undefined {
  const m = PLAIN_URL.exec(url);
  if (!m) return undefined;
  const origin = m[1] as string;
  const path = m[2] ?? '/';
  const query = m[3] ?? '';
  if (DOT_SEGMENT.test(path)) return undefined;
  let ok = authorityOk.get(origin);
  if (ok === undefined) {
    ok = URL.canParse(`${origin}/`);
    // Bounded: clients choose Host, so the memory of authorities must not grow with them.
    if (authorityOk.size >= AUTHORITY_MEMORY) authorityOk.clear();
    authorityOk.set(origin, ok);
  }
  if (!ok) return undefined;
  return query === '' ? path : `${path}?${query}`;
}

/**
 * The last try's body bytes as a `full` trace tells them: the body the client got when the upstream
 * produced the response (the trace records no upstream body of its own, so a body a response plugin
 * rewrote counts as rewritten); 0 when the gateway answered or the trace carries no bodies.
 */
function upstreamBytesOf(end: Extract<TraceEvent, { type: 'request.end' }>): number {
  return end.source === 'upstream' && end.body !== undefined ? utf8Length(end.body) : 0;
}
