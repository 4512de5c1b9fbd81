/**
 * Access log lines derived from the trace, the same for both hosts: ingress-nginx's default
 * `upstreaminfo` format (semantics §11) and a JSON form with the same fields.
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

/** Folds one request's trace events into access records, emitted at request.end. */
export class AccessLogBuilder {
  private readonly open = new Map<string, Partial<AccessRecord> & { upstreamAddr: string[]; upstreamResponseTime: number[]; upstreamStatus: number[] }>();

  constructor(
    private readonly startEpochMs: number,
    /** Whose values the uri hides: API-key query parameters (redact.ts). */
    private readonly secrets: SecretNames = DEFAULT_SECRET_NAMES,
  ) {}

  add(event: TraceEvent): AccessRecord | undefined {
    switch (event.type) {
      case 'request.start': {
        const url = safeUrl(event.url);
        const h = event.headers ?? {};
        this.open.set(event.req, {
          remoteAddr: event.peerIp,
          time: this.startEpochMs + event.t,
          method: event.method,
          uri: redactQuery(url ? `${url.pathname}${url.search}` : event.url, this.secrets),
          protocol: 'HTTP/1.1',
          referer: first(h.referer),
          userAgent: first(h['user-agent']),
          requestId: event.req,
          upstreamAddr: [],
          upstreamResponseTime: [],
          upstreamStatus: [],
        });
        return undefined;
      }
      case 'upstream.send': {
        const r = this.open.get(event.req);
        if (r) {
          r.upstreamAddr.push(event.target);
          r.upstreamName = event.service;
        }
        return undefined;
      }
      case 'upstream.response': {
        const r = this.open.get(event.req);
        if (r) {
          r.upstreamResponseTime.push(event.ms / 1000);
          r.upstreamStatus.push(event.status === 0 ? 502 : event.status);
        }
        return undefined;
      }
      case 'request.end': {
        const r = this.open.get(event.req);
        this.open.delete(event.req);
        if (!r) return undefined;
        return {
          remoteAddr: r.remoteAddr ?? '-',
          time: r.time ?? this.startEpochMs + event.t,
          method: r.method ?? '-',
          uri: r.uri ?? '-',
          protocol: r.protocol ?? 'HTTP/1.1',
          status: event.status,
          bodyBytesSent: event.body !== undefined ? utf8Length(event.body) : null,
          referer: r.referer ?? null,
          userAgent: r.userAgent ?? null,
          requestLength: null,
          requestTime: event.ms / 1000,
          upstreamName: r.upstreamName ?? null,
          upstreamAddr: r.upstreamAddr,
          upstreamResponseLength: null,
          upstreamResponseTime: r.upstreamResponseTime,
          upstreamStatus: r.upstreamStatus,
          requestId: r.requestId ?? event.req,
        };
      }
      default:
        return undefined;
    }
  }
}

export function formatUpstreamInfo(r: AccessRecord): string {
  const dash = (v: string | number | null | undefined): string => (v === null || v === undefined || v === '' ? '-' : String(v));
  const list = (xs: Array<string | number>): string => (xs.length === 0 ? '-' : xs.join(', '));
  return [
    `${r.remoteAddr} - - [${timeLocal(r.time)}]`,
    `"${r.method} ${r.uri} ${r.protocol}"`,
    r.status,
    dash(r.bodyBytesSent ?? 0),
    `"${dash(r.referer)}"`,
    `"${dash(r.userAgent)}"`,
    dash(r.requestLength ?? 0),
    r.requestTime.toFixed(3),
    `[${r.upstreamName ?? ''}]`,
    '[]',
    list(r.upstreamAddr),
    dash(r.upstreamResponseLength ?? (r.upstreamAddr.length ? 0 : null)),
    list(r.upstreamResponseTime.map((s) => s.toFixed(3))),
    list(r.upstreamStatus),
    r.requestId,
  ].join(' ');
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

/** nginx's $time_local in UTC: 23/Mar/2026:14:22:31 +0000. */
export function timeLocal(epochMs: number): string {
  const days = Math.floor(epochMs / 86_400_000);
  const { year, month, day } = civilFromDays(days);
  const secs = Math.floor((epochMs - days * 86_400_000) / 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(day)}/${MONTHS[month - 1]}/${year}:${p(Math.floor(secs / 3600))}:${p(Math.floor((secs % 3600) / 60))}:${p(secs % 60)} +0000`;
}

function first(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

function safeUrl(u: string): URL | undefined {
  try {
    return new URL(u);
  } catch {
    return undefined;
  }
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}
