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
import { civilFromDays } from '../core/calendar.ts';
import type { HeaderRecord, TraceEvent } from '../trace/events.ts';
import { DEFAULT_SECRET_NAMES, redactHeaderRecord, redactQuery, type SecretNames } from './redact.ts';

/**
 * What only the proxy's sockets know about a request, handed to the builder beside its trace event,
 * never inside it: at `decisions` level the trace carries no headers and no body, and adding these to
 * the events would change every trace hash and the two hosts' shared trace. The proxy fills it before
 * it emits request.start (referer, userAgent: first values as received, already redacted) and
 * request.end (bodyBytesSent: response body bytes written to the client, nginx's $body_bytes_sent).
 * The proxy reuses one object for every request: a listener copies what it needs during the call.
 */
export interface WireFacts {
  referer: string | null;
  userAgent: string | null;
  bodyBytesSent: number;
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
  upstreamResponseLength: number | null;
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
  requestLength = null;
  requestTime = 0;
  upstreamName: string | null = null;
  upstreamAddr: string[] = [];
  upstreamResponseLength = null;
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

/** Folds one request's trace events into access records, emitted at request.end. */
/** Distinct request URLs whose logged uri a builder remembers (clients choose URLs: bounded). */
const URI_MEMORY = 1024;

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
        this.open.set(event.req, record);
        return undefined;
      }
      case 'upstream.send': {
        const r = this.open.get(event.req);
        if (r) {
          // The first try replaces the empty list with a one-element one: push on an empty array
          // reserves seventeen slots (≈ 150 bytes), and nearly every request makes one try.
          if (r.upstreamAddr.length === 0) r.upstreamAddr = [event.target];
          else r.upstreamAddr.push(event.target);
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

/** nginx prints `-` for an empty value. */
function dash(v: string | number | null | undefined): string {
  return v === null || v === undefined || v === '' ? '-' : String(v);
}

/** What nginx's default log escaping rewrites: `"`, `\\`, control bytes and bytes from 0x7f up. */
const NEEDS_ESCAPE = /["\\\x00-\x1f\x7f-\uffff]/;
const HEX = '0123456789ABCDEF';

/**
 * A client-sent value in a quoted field as nginx writes it (log_format escape=default): each byte
 * above is printed as `\xHH`, so a `"` in a User-Agent cannot end its field and forge the rest of
 * the line. The proxy's header values are bytes read as Latin-1; a character above 0xff (a value from
 * a scenario file) is escaped as its UTF-8 bytes. Then `-` when empty, like dash.
 */
export function escapeLogValue(v: string | null): string {
  if (v === null || v === '') return '-';
  if (!NEEDS_ESCAPE.test(v)) return v;
  let out = '';
  for (const ch of v) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0x7f && code <= 0xff)) out += `\\x${HEX[code >> 4]}${HEX[code & 15]}`;
    else if (code > 0xff) for (const byte of new TextEncoder().encode(ch)) out += `\\x${HEX[byte >> 4]}${HEX[byte & 15]}`;
    else out += ch;
  }
  return out;
}

/** A per-try list (`a:1, b:2`), `-` when there was no try. */
function list(xs: ReadonlyArray<string | number>): string {
  return xs.length === 0 ? '-' : xs.join(', ');
}

function secondsList(xs: readonly number[]): string {
  if (xs.length === 0) return '-';
  let out = (xs[0] as number).toFixed(3);
  for (let i = 1; i < xs.length; i++) out += `, ${(xs[i] as number).toFixed(3)}`;
  return out;
}

/**
 * The fields from $remote_addr to $request_length of the last line and their text: under load most
 * lines repeat them (one client, one URL, one second), so a line is that text and the few fields that
 * vary per request. Building all of it each time made ≈ 35 rope pieces (1.1 KB) for a 150-byte line.
 */
class HeadMemo {
  remoteAddr = '';
  timeLocal = '';
  method = '';
  uri = '';
  protocol = '';
  status = -1;
  bodyBytesSent: number | null = null;
  referer: string | null = null;
  userAgent: string | null = null;
  requestLength: number | null = null;
  text = '';
}

/** ` [$proxy_upstream_name] [] $upstream_addr $upstream_response_length ` of the last line with one try, and its text. */
class MiddleMemo {
  upstreamName: string | null = null;
  upstreamAddr = '';
  upstreamResponseLength: number | null = null;
  text = '';
}

const head = new HeadMemo();
const middle = new MiddleMemo();

/**
 * A string built of pieces is a tree (a rope) until something reads its characters; reading one
 * flattens it once, so a remembered piece is copied whole into each line instead of walked again.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

function headOf(r: AccessRecord): string {
  const time = timeLocal(r.time);
  const m = head;
  if (
    m.timeLocal === time &&
    m.remoteAddr === r.remoteAddr &&
    m.uri === r.uri &&
    m.method === r.method &&
    m.status === r.status &&
    m.bodyBytesSent === r.bodyBytesSent &&
    m.userAgent === r.userAgent &&
    m.referer === r.referer &&
    m.requestLength === r.requestLength &&
    m.protocol === r.protocol
  ) {
    return m.text;
  }
  m.text = flat(
    `${r.remoteAddr} - - [${time}] "${r.method} ${r.uri} ${r.protocol}" ${r.status} ${dash(r.bodyBytesSent ?? 0)} ` +
      `"${escapeLogValue(r.referer)}" "${escapeLogValue(r.userAgent)}" ${dash(r.requestLength ?? 0)} `,
  );
  m.timeLocal = time;
  m.remoteAddr = r.remoteAddr;
  m.uri = r.uri;
  m.method = r.method;
  m.status = r.status;
  m.bodyBytesSent = r.bodyBytesSent;
  m.userAgent = r.userAgent;
  m.referer = r.referer;
  m.requestLength = r.requestLength;
  m.protocol = r.protocol;
  return m.text;
}

function middleOf(r: AccessRecord): string {
  const responseLength = r.upstreamResponseLength ?? (r.upstreamAddr.length ? 0 : null);
  // Remembered for the usual one try only; more tries (or none) are built as they come.
  if (r.upstreamAddr.length !== 1) return ` [${r.upstreamName ?? ''}] [] ${list(r.upstreamAddr)} ${dash(responseLength)} `;
  const addr = r.upstreamAddr[0] as string;
  const m = middle;
  if (m.upstreamAddr === addr && m.upstreamName === r.upstreamName && m.upstreamResponseLength === responseLength && m.text !== '') return m.text;
  m.text = flat(` [${r.upstreamName ?? ''}] [] ${addr} ${dash(responseLength)} `);
  m.upstreamAddr = addr;
  m.upstreamName = r.upstreamName;
  m.upstreamResponseLength = responseLength;
  return m.text;
}

// Module-level helpers and two remembered pieces (HeadMemo, MiddleMemo): this runs once per request
// in `gatelab serve`. The text is exactly the one template it was:
//   `${remoteAddr} - - [${timeLocal}] "${method} ${uri} ${protocol}" ${status} ${bodyBytesSent} "${referer}" "${userAgent}"
//    ${requestLength} ${requestTime} [${upstreamName}] [] ${upstreamAddr} ${upstreamResponseLength} ${upstreamResponseTime}
//    ${upstreamStatus} ${requestId}` (access-log.test.ts checks the two against each other).
export function formatUpstreamInfo(r: AccessRecord): string {
  return `${headOf(r)}${r.requestTime.toFixed(3)}${middleOf(r)}${secondsList(r.upstreamResponseTime)} ${list(r.upstreamStatus)} ${r.requestId}`;
}

export function formatAccessJson(r: AccessRecord): string {
  return JSON.stringify({
    remote_addr: r.remoteAddr,
    time: timeLocal(r.time),
    request: `${r.method} ${r.uri} ${r.protocol}`,
    status: r.status,
    body_bytes_sent: r.bodyBytesSent,
    http_referer: r.referer,
    http_user_agent: r.userAgent,
    request_time: Number(r.requestTime.toFixed(3)),
    proxy_upstream_name: r.upstreamName,
    upstream_addr: r.upstreamAddr,
    upstream_response_time: r.upstreamResponseTime.map((s) => Number(s.toFixed(3))),
    upstream_status: r.upstreamStatus,
    req_id: r.requestId,
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The last second formatted: a busy proxy logs many requests in the same second. */
let cachedSecond = Number.NaN;
let cachedTimeLocal = '';

/** nginx's $time_local in UTC: 23/Mar/2026:14:22:31 +0000. */
export function timeLocal(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second === cachedSecond) return cachedTimeLocal;
  const days = Math.floor(epochMs / 86_400_000);
  const { year, month, day } = civilFromDays(days);
  const secs = Math.floor((epochMs - days * 86_400_000) / 1000);
  cachedTimeLocal = `${pad2(day)}/${MONTHS[month - 1]}/${year}:${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor((secs % 3600) / 60))}:${pad2(secs % 60)} +0000`;
  cachedSecond = second;
  return cachedTimeLocal;
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

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}
