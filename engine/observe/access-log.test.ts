// The access log's URL cut must give what WHATWG URL gives (pathname + search), and the line format
// must stay byte for byte what it was (semantics §11: ingress-nginx upstreaminfo).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/events.ts';
import { AccessLogBuilder, pathAndQuery, type AccessRecord } from './access-log.ts';
import { escapeLogValue, formatAccessJson, formatUpstreamInfo, timeLocal } from './access-log-format.ts';

// Engine code takes no randomness from the machine: the seed is fixed unless FC_SEED names another.
const seed = Number(process.env['FC_SEED'] ?? 20_261_126);
console.log(`[fast-check] access-log seed=${seed} (replay: FC_SEED=${seed})`);

function viaUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

describe('pathAndQuery', () => {
  it('equals URL pathname + search for URLs built from awkward pieces', () => {
    const piece = fc.constantFrom('a', 'Z', '9', '.', '..', '%2e', '%2E', '%zz', '%41', '/', '//', '?', '&', '=', '#', ' ', "'", '"', '\\', '@', ':', '~', 'é', '[', ']', '|', '\t', '+', ';', '$');
    const host = fc.constantFrom('h', 'example.com', 'example.com:8000', '127.0.0.1:9', '1.2.3.999', 'a b', 'x:99999', 'foo.123', '[::1]:80', 'xn--a', 'user@h', '');
    const scheme = fc.constantFrom('http', 'https', 'HTTP', 'ws', 'file');
    fc.assert(
      fc.property(scheme, host, fc.array(piece, { maxLength: 12 }), (s, h, parts) => {
        const url = `${s}://${h}${parts.join('')}`;
        expect(pathAndQuery(url)).toBe(viaUrl(url));
      }),
      { seed, numRuns: 3000 },
    );
  });

  it('keeps the common proxy case as it is', () => {
    expect(pathAndQuery('http://127.0.0.1:8000/bench?apikey=k&x=1')).toBe('/bench?apikey=k&x=1');
    expect(pathAndQuery('http://h/a/./b/../c?')).toBe('/a/c');
    expect(pathAndQuery('not a url')).toBe('not a url');
  });
});

describe('access log lines', () => {
  it('formats upstreaminfo and JSON exactly as before the rewrite', () => {
    const b = new AccessLogBuilder(Date.UTC(2026, 2, 23, 14, 22, 31, 250));
    const events = [
      { type: 'request.start', t: 5, req: 'req-1', client: '10.0.0.1', replica: 'gw-0', method: 'GET', url: 'http://example.com:8000/a/b?apikey=secret&x=1', peerIp: '10.0.0.1' },
      { type: 'upstream.send', t: 6, req: 'req-1', service: 'svc', target: '127.0.0.1:9000', path: '/a/b' },
      { type: 'upstream.response', t: 9, req: 'req-1', status: 200, ms: 3.25 },
      { type: 'request.end', t: 10, req: 'req-1', client: '10.0.0.1', replica: 'gw-0', status: 200, source: 'upstream', route: 'r', service: 'svc', ms: 5.5, gatewayMs: 2, upstreamMs: 3 },
      { type: 'request.start', t: 30, req: 'req-3', client: '1.2.3.4', replica: 'gw-0', method: 'GET', url: 'not a url', peerIp: '1.2.3.4' },
      { type: 'upstream.send', t: 31, req: 'req-3', service: 's2', target: 'a:1', path: '/' },
      { type: 'upstream.response', t: 32, req: 'req-3', status: 0, ms: 1000.0004 },
      { type: 'upstream.send', t: 33, req: 'req-3', service: 's2', target: 'b:2', path: '/' },
      { type: 'upstream.response', t: 34, req: 'req-3', status: 503, ms: 0.5 },
      { type: 'request.end', t: 35, req: 'req-3', client: '1.2.3.4', replica: 'gw-0', status: 503, source: 'upstream', route: 'r', service: 's2', ms: 86_400_000 * 40 + 1234.5678, gatewayMs: 0, upstreamMs: 2 },
    ] as unknown as TraceEvent[];
    const lines: string[] = [];
    for (const e of events) {
      const r = b.add(e);
      if (r) lines.push(formatUpstreamInfo(r), formatAccessJson(r));
    }
    // Expected lines produced by the previous implementation (array join, URL per request), with
    // one $upstream_response_length per try and the JSON form's two length fields added since.
    expect(lines).toEqual([
      '10.0.0.1 - - [23/Mar/2026:14:22:31 +0000] "GET /a/b?apikey=[redacted]&x=1 HTTP/1.1" 200 0 "-" "-" 0 0.005 [svc] [] 127.0.0.1:9000 0 0.003 200 req-1',
      '{"remote_addr":"10.0.0.1","time":"23/Mar/2026:14:22:31 +0000","request":"GET /a/b?apikey=[redacted]&x=1 HTTP/1.1","status":200,"body_bytes_sent":null,"http_referer":null,"http_user_agent":null,"request_length":null,"request_time":0.005,"proxy_upstream_name":"svc","upstream_addr":["127.0.0.1:9000"],"upstream_response_length":[0],"upstream_response_time":[0.003],"upstream_status":[200],"req_id":"req-1"}',
      '1.2.3.4 - - [23/Mar/2026:14:22:31 +0000] "GET not a url HTTP/1.1" 503 0 "-" "-" 0 3456001.235 [s2] [] a:1, b:2 0, 0 1.000, 0.001 502, 503 req-3',
      '{"remote_addr":"1.2.3.4","time":"23/Mar/2026:14:22:31 +0000","request":"GET not a url HTTP/1.1","status":503,"body_bytes_sent":null,"http_referer":null,"http_user_agent":null,"request_length":null,"request_time":3456001.235,"proxy_upstream_name":"s2","upstream_addr":["a:1","b:2"],"upstream_response_length":[0,0],"upstream_response_time":[1,0.001],"upstream_status":[502,503],"req_id":"req-3"}',
    ]);
  });

  it("logs each request's uri as the cut and redaction give it, past its memory of URLs and back", () => {
    const b = new AccessLogBuilder(0);
    const urls = Array.from({ length: 2600 }, (_, i) => `http://h:1/p${i % 1500}/./x?apikey=s${i}&n=${i % 3}`);
    urls.forEach((url, i) => {
      b.add({ type: 'request.start', t: i, req: `r${i}`, client: 'c', replica: 'gw-0', method: 'GET', url, peerIp: 'c' } as unknown as TraceEvent);
      const r = b.add({ type: 'request.end', t: i, req: `r${i}`, client: 'c', replica: 'gw-0', status: 200, source: 'gateway', route: null, service: null, ms: 0, gatewayMs: 0, upstreamMs: null } as unknown as TraceEvent);
      expect(r?.uri).toBe(`/p${i % 1500}/x?apikey=[redacted]&n=${i % 3}`);
    });
  });

  it('timeLocal gives the right second even when called back and forth (its one-entry cache)', () => {
    const times = [0, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2024, 1, 29, 23, 59, 59, 1), Date.UTC(2024, 2, 1), -1, Date.UTC(1999, 11, 31)];
    expect(times.map(timeLocal)).toEqual(['01/Jan/1970:00:00:00 +0000', '29/Feb/2024:23:59:59 +0000', '29/Feb/2024:23:59:59 +0000', '01/Mar/2024:00:00:00 +0000', '31/Dec/1969:23:59:59 +0000', '31/Dec/1999:00:00:00 +0000']);
  });
});

describe('AccessLogBuilder with requests in flight together', () => {
  /** One request's events in order: start, then per try a send and its answer, then the end. */
  function requestEvents(id: number, tries: Array<{ target: string; status: number; ms: number }>): TraceEvent[] {
    const req = `req-${id}`;
    const out = [{ type: 'request.start', t: 0, req, client: '10.0.0.1', replica: 'gw-0', method: 'GET', url: `http://h/p${id}`, peerIp: '10.0.0.1' }] as unknown as TraceEvent[];
    for (const t of tries) {
      out.push({ type: 'upstream.send', t: 1, req, service: `svc-${id}`, target: t.target, method: 'GET', host: 'h', path: '/' } as unknown as TraceEvent);
      out.push({ type: 'upstream.response', t: 2, req, status: t.status, ms: t.ms } as unknown as TraceEvent);
    }
    out.push({ type: 'request.end', t: 3, req, client: '10.0.0.1', replica: 'gw-0', status: 200, source: 'upstream', route: null, service: null, ms: 3 } as unknown as TraceEvent);
    return out;
  }

  it("keeps each request's tries in its own record, however the requests' events interleave", () => {
    const tryArb = fc.record({ target: fc.constantFrom('a:1', 'b:2', 'c:3'), status: fc.constantFrom(0, 200, 502, 503), ms: fc.integer({ min: 0, max: 5000 }) });
    fc.assert(
      fc.property(fc.array(fc.array(tryArb, { maxLength: 3 }), { minLength: 1, maxLength: 6 }), fc.infiniteStream(fc.nat()), (requests, picks) => {
        const queues = requests.map((tries, id) => requestEvents(id, tries));
        const builder = new AccessLogBuilder(0);
        const records = new Map<string, ReturnType<AccessLogBuilder['add']>>();
        const it = picks[Symbol.iterator]();
        // Feed the events in a random interleaving that keeps each request's own order.
        for (let open = queues.filter((q) => q.length > 0); open.length > 0; open = queues.filter((q) => q.length > 0)) {
          const q = open[(it.next().value as number) % open.length] as TraceEvent[];
          const event = q.shift() as TraceEvent;
          const record = builder.add(event);
          if (record) records.set((event as { req: string }).req, record);
        }
        requests.forEach((tries, id) => {
          const r = records.get(`req-${id}`);
          expect(r?.upstreamAddr).toEqual(tries.map((t) => t.target));
          expect(r?.upstreamStatus).toEqual(tries.map((t) => (t.status === 0 ? 502 : t.status)));
          expect(r?.upstreamResponseTime).toEqual(tries.map((t) => t.ms / 1000));
        });
      }),
      { seed, numRuns: 500 },
    );
  });
});

describe("the proxy's wire facts (semantics §11: $body_bytes_sent, $http_referer, $http_user_agent)", () => {
  const start = { type: 'request.start', t: 0, req: 'req-1', client: 'c', replica: 'gw-0', method: 'GET', url: 'http://h/x', peerIp: 'c' } as unknown as TraceEvent;
  const end = { type: 'request.end', t: 2, req: 'req-1', client: 'c', replica: 'gw-0', status: 200, source: 'upstream', route: null, service: null, ms: 2, gatewayMs: 0, upstreamMs: 1 } as unknown as TraceEvent;

  it('takes the Referer, User-Agent and body bytes from the facts handed beside a decisions-level trace', () => {
    const b = new AccessLogBuilder(0);
    const wire = { referer: 'https://r.example/p', userAgent: 'curl/8.5.0', bodyBytesSent: 0, requestLength: 0, upstreamBytes: 0 };
    b.add(start, wire);
    // The proxy reuses one facts object: what request.start read must not change with it.
    wire.referer = 'changed';
    const r = b.add(end, { ...wire, bodyBytesSent: 1234 }) as NonNullable<ReturnType<AccessLogBuilder['add']>>;
    expect(formatUpstreamInfo(r)).toBe('c - - [01/Jan/1970:00:00:00 +0000] "GET /x HTTP/1.1" 200 1234 "https://r.example/p" "curl/8.5.0" 0 0.002 [] [] - - - - req-1');
    expect(JSON.parse(formatAccessJson(r))).toMatchObject({ body_bytes_sent: 1234, http_referer: 'https://r.example/p', http_user_agent: 'curl/8.5.0' });
  });

  it('without facts reads a full trace as before (the simulation, the lab), hiding API keys in the Referer', () => {
    const b = new AccessLogBuilder(0);
    b.add({ ...start, headers: { referer: 'https://r.example/?apikey=s3cret&a=1', 'user-agent': ['first/1', 'second/2'] } } as unknown as TraceEvent);
    const r = b.add({ ...end, body: 'héllo' } as unknown as TraceEvent);
    expect(r).toMatchObject({ referer: 'https://r.example/?apikey=[redacted]&a=1', userAgent: 'first/1', bodyBytesSent: 6 });
  });

  it('escapes a client value as nginx escape=default does: ", \\, control bytes and bytes ≥ 0x7f as \\xHH', () => {
    expect(escapeLogValue('Mozilla/5.0 (X11)')).toBe('Mozilla/5.0 (X11)');
    expect(escapeLogValue('a"b\\c\td\x7f\u00e9')).toBe('a\\x22b\\x5Cc\\x09d\\x7F\\xE9');
    expect(escapeLogValue('\u20ac')).toBe('\\xE2\\x82\\xAC');
    expect(escapeLogValue('')).toBe('-');
    expect(escapeLogValue(null)).toBe('-');
    // A quote cannot end the field early and forge the fields after it.
    const b = new AccessLogBuilder(0);
    b.add(start, { referer: null, userAgent: 'x" 999 "forged', bodyBytesSent: 0, requestLength: 0, upstreamBytes: 0 });
    const line = formatUpstreamInfo(b.add(end, { referer: null, userAgent: null, bodyBytesSent: 5, requestLength: 0, upstreamBytes: 0 }) as NonNullable<ReturnType<AccessLogBuilder['add']>>);
    expect(line).toContain('" 200 5 "-" "x\\x22 999 \\x22forged" 0 ');
  });
});

describe('formatUpstreamInfo with its remembered pieces', () => {
  /** The line as one template, as it was built before the pieces were remembered. */
  function reference(r: AccessRecord): string {
    const dash = (v: string | number | null | undefined): string => (v === null || v === undefined || v === '' ? '-' : String(v));
    const list = (xs: ReadonlyArray<string | number>): string => (xs.length === 0 ? '-' : xs.join(', '));
    const secondsList = (xs: readonly number[]): string => (xs.length === 0 ? '-' : xs.map((x) => x.toFixed(3)).join(', '));
    return (
      `${r.remoteAddr} - - [${timeLocal(r.time)}] "${r.method} ${r.uri} ${r.protocol}" ${r.status} ${dash(r.bodyBytesSent ?? 0)} ` +
      `"${escapeLogValue(r.referer)}" "${escapeLogValue(r.userAgent)}" ${dash(r.requestLength ?? 0)} ${r.requestTime.toFixed(3)} [${r.upstreamName ?? ''}] [] ` +
      // The builder keeps one length per address; a lone address with no length prints 0.
      `${list(r.upstreamAddr)} ${r.upstreamAddr.length === 1 ? String(r.upstreamResponseLength[0] ?? 0) : list(r.upstreamResponseLength)} ${secondsList(r.upstreamResponseTime)} ` +
      `${list(r.upstreamStatus)} ${r.requestId}`
    );
  }

  // Few values per field, so consecutive records often repeat some fields and not others.
  const record: fc.Arbitrary<AccessRecord> = fc.record({
    remoteAddr: fc.constantFrom('127.0.0.1', '10.0.0.2', '::1', ''),
    time: fc.constantFrom(0, 999, 1000, 1_711_203_751_000, 1_711_203_751_500, 1_711_203_752_000),
    method: fc.constantFrom('GET', 'POST', 'HEAD'),
    uri: fc.constantFrom('/bench', '/bench?x=1', '/a"b', '/', ''),
    protocol: fc.constantFrom('HTTP/1.1', 'HTTP/1.0'),
    status: fc.constantFrom(200, 401, 429, 502, Number.NaN),
    bodyBytesSent: fc.constantFrom(null, 0, 3, 41),
    referer: fc.constantFrom(null, '', 'https://r.example/p', 'x"y'),
    userAgent: fc.constantFrom(null, 'wrk', 'curl/8.5.0', 'caf\u00e9', '\u20ac'),
    requestLength: fc.constantFrom(null, 0, 120),
    requestTime: fc.constantFrom(0, 0.0015, 0.002, 1.23456, 12),
    upstreamName: fc.constantFrom(null, '', 'bench-svc', 'other'),
    upstreamAddr: fc.constantFrom([], ['127.0.0.1:9000'], ['127.0.0.1:9001'], [''], ['10.0.0.1:8080', '10.0.0.2:8080']),
    upstreamResponseLength: fc.constantFrom([], [0], [3], [70_000], [0, 3]),
    upstreamResponseTime: fc.constantFrom([], [0.001], [0.0015], [0.001, 0.002]),
    upstreamStatus: fc.constantFrom([], [200], [502, 200]),
    requestId: fc.constantFrom('req-1', 'req-2', 'abc'),
  });

  const keys = Object.keys(fc.sample(record, 1)[0] as AccessRecord) as Array<keyof AccessRecord>;

  it('prints every line of a sequence exactly as the one template did', () => {
    // Each record after the first is the one before with one or two fields taken from a fresh one,
    // so the remembered pieces are hit, and missed by one field at a time.
    const step = fc.tuple(record, fc.array(fc.constantFrom(...keys), { minLength: 1, maxLength: 2 }));
    fc.assert(
      fc.property(record, fc.array(step, { maxLength: 30 }), (first, steps) => {
        let r = first;
        expect(formatUpstreamInfo(r)).toBe(reference(r));
        for (const [fresh, changed] of steps) {
          const next: Record<string, unknown> = { ...r };
          for (const k of changed) next[k] = fresh[k];
          r = next as unknown as AccessRecord;
          expect(formatUpstreamInfo(r)).toBe(reference(r));
        }
      }),
      { seed, numRuns: 1000 },
    );
  });
});
