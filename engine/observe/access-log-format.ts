/**
 * The access log's text: one ingress-nginx `upstreaminfo` line (semantics §11) or one JSON object per
 * AccessRecord (access-log.ts builds the records from the trace). Lines are built from remembered
 * pieces because under load most fields repeat from one line to the next.
 */
import { civilFromDays } from '../core/calendar.ts';
import type { AccessRecord } from './access-log.ts';

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
  upstreamResponseLength = -1;
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
  // Remembered for the usual one try only; more tries (or none: `-`, as nginx prints an upstream
  // variable no upstream set) are built as they come.
  if (r.upstreamAddr.length !== 1) return ` [${r.upstreamName ?? ''}] [] ${list(r.upstreamAddr)} ${list(r.upstreamResponseLength)} `;
  const addr = r.upstreamAddr[0] as string;
  const responseLength = r.upstreamResponseLength[0] ?? 0;
  const m = middle;
  if (m.upstreamAddr === addr && m.upstreamName === r.upstreamName && m.upstreamResponseLength === responseLength && m.text !== '') return m.text;
  m.text = flat(` [${r.upstreamName ?? ''}] [] ${addr} ${responseLength} `);
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
    request_length: r.requestLength,
    request_time: Number(r.requestTime.toFixed(3)),
    proxy_upstream_name: r.upstreamName,
    upstream_addr: r.upstreamAddr,
    upstream_response_length: r.upstreamResponseLength,
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
