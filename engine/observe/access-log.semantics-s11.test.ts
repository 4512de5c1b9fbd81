/**
 * Semantics §11 (ingress-nginx `upstreaminfo` log format), field by field: the order of the fields,
 * `$request_time` and `$upstream_response_time` as seconds with millisecond resolution, one entry per
 * try in the upstream lists, and `-` where nginx prints an empty variable. Where gatelab prints a
 * placeholder instead of a measurement, the test says so (docs/proxy.md, "where gatelab differs").
 *
 * $request_length and $upstream_response_length follow nginx's source (semantics §11 sources; the
 * variables in http://nginx.org/en/docs/http/ngx_http_log_module.html and ngx_http_upstream_module.html):
 * - src/http/ngx_http_request.c: the request line counts up to and with its CRLF
 *   (`r->request_length = r->header_in->pos - r->request_start`), each header line with its CRLF and
 *   the empty line that ends them (`r->request_length += r->header_in->pos - r->header_name_start`);
 *   src/http/ngx_http_request_body.c adds each body read as received (`r->request_length += n`).
 * - src/http/ngx_http_upstream.c: each try gets a zeroed state; a body is counted as it is read
 *   (`u->state->response_length += n`), which never happens for an answer proxy_next_upstream
 *   retries, so such a try prints 0; the variable lists the states like $upstream_addr and is not
 *   found (printed `-`) when no upstream was tried.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/events.ts';
import { AccessLogBuilder, type AccessRecord } from './access-log.ts';
import { formatAccessJson, formatUpstreamInfo } from './access-log-format.ts';

const EPOCH = Date.UTC(2026, 0, 2, 3, 4, 5);

function run(events: Array<Record<string, unknown>>): AccessRecord {
  const b = new AccessLogBuilder(EPOCH);
  let out: AccessRecord | undefined;
  for (const e of events) out = b.add(e as unknown as TraceEvent) ?? out;
  if (!out) throw new Error('no record');
  return out;
}

const start = { type: 'request.start', t: 0, req: 'req-9', client: 'c', replica: 'gw-0', method: 'POST', url: 'http://shop.example/cart?id=1', peerIp: '192.0.2.4', headers: { referer: 'https://ref.example/', 'user-agent': 'curl/8' } };
const endAt = (ms: number, status = 200) => ({ type: 'request.end', t: ms, req: 'req-9', client: 'c', replica: 'gw-0', status, source: 'upstream', route: 'r', service: 'cart', ms, gatewayMs: 1, upstreamMs: ms - 1, body: 'ok' });

describe('semantics §11 upstreaminfo', () => {
  it('§11 the fields come in the default order: addr - user [time] "request" status bytes "referer" "agent" length time [upstream] [alt] addrs lengths times statuses req_id', () => {
    const r = run([start, { type: 'upstream.send', t: 1, req: 'req-9', service: 'cart', target: '10.0.0.1:8080', path: '/cart' }, { type: 'upstream.response', t: 5, req: 'req-9', status: 200, ms: 4 }, endAt(6)]);
    const fields = formatUpstreamInfo(r).match(/^(\S+) - (\S+) \[([^\]]+)\] "([^"]*)" (\d+) (\d+) "([^"]*)" "([^"]*)" (\d+) (\S+) \[([^\]]*)\] \[([^\]]*)\] (.+) (\S+) (.+) (.+) (\S+)$/);
    expect(fields?.slice(1)).toEqual([
      '192.0.2.4',
      '-',
      '02/Jan/2026:03:04:05 +0000',
      'POST /cart?id=1 HTTP/1.1',
      '200',
      '2',
      'https://ref.example/',
      'curl/8',
      // $request_length: "POST /cart?id=1 HTTP/1.1\r\n" (26) + "referer: https://ref.example/\r\n" (31)
      // + "user-agent: curl/8\r\n" (20) + "\r\n" (2), no body.
      '79',
      '0.006',
      'cart',
      // $proxy_alternative_upstream_name: always empty in gatelab (docs/proxy.md).
      '',
      '10.0.0.1:8080',
      // $upstream_response_length: the answer's body, "ok".
      '2',
      '0.004',
      '200',
      'req-9',
    ]);
  });

  it('§11 $request_time and $upstream_response_time are seconds with millisecond resolution', () => {
    const r = run([start, { type: 'upstream.send', t: 1, req: 'req-9', service: 'cart', target: 'a:1', path: '/' }, { type: 'upstream.response', t: 2, req: 'req-9', status: 200, ms: 1234.4 }, endAt(61_000.2)]);
    const line = formatUpstreamInfo(r);
    expect(line).toContain(' 61.000 [cart] ');
    expect(line).toContain(' 1.234 200 req-9');
  });

  it('§11 each try adds one entry to $upstream_addr, $upstream_response_time and $upstream_status, comma-separated (502, 200)', () => {
    const r = run([
      start,
      { type: 'upstream.send', t: 1, req: 'req-9', service: 'cart', target: '10.0.0.1:8080', path: '/' },
      { type: 'upstream.response', t: 2, req: 'req-9', status: 0, ms: 1 },
      { type: 'upstream.send', t: 3, req: 'req-9', service: 'cart', target: '10.0.0.2:8080', path: '/' },
      { type: 'upstream.response', t: 5, req: 'req-9', status: 200, ms: 2 },
      endAt(6),
    ]);
    expect(formatUpstreamInfo(r)).toMatch(/ 10\.0\.0\.1:8080, 10\.0\.0\.2:8080 0, 2 0\.001, 0\.002 502, 200 req-9$/);
  });

  it('§11 a request the gateway answered itself has no upstream: the upstream fields print -', () => {
    const r = run([start, { ...endAt(2, 404), source: 'gateway', upstreamMs: null }]);
    expect(formatUpstreamInfo(r)).toMatch(/ 0\.002 \[\] \[\] - - - - req-9$/);
  });

  it('§11 an empty referer or user agent prints "-"', () => {
    const r = run([{ ...start, headers: {} }, endAt(1)]);
    expect(formatUpstreamInfo(r)).toContain('"-" "-"');
  });

  it('§11 $request_length counts the request line, each header line and the blank line with their CRLFs, and the body', () => {
    const post = { ...start, headers: { host: 'shop.example', 'content-length': '11', 'x-tag': ['a', 'bb'] } };
    const r = run([post, { ...endAt(1, 401), source: 'gateway', upstreamMs: null }]);
    const wire = 'POST /cart?id=1 HTTP/1.1\r\nhost: shop.example\r\ncontent-length: 11\r\nx-tag: a\r\nx-tag: bb\r\n\r\n' + 'hello world';
    expect(r.requestLength).toBe(wire.length);
    // The body counts even when the gateway answered without reading it: nginx discards it first.
    expect(formatUpstreamInfo(r)).toContain(` "-" "-" ${wire.length} 0.001 [] [] - - - - req-9`);
  });

  it('§11 $upstream_response_length has one entry per try; a retried answer counts 0, the answer sent counts its body bytes', () => {
    const tries = [
      { type: 'upstream.send', t: 1, req: 'req-9', service: 'cart', target: 'a:1', path: '/' },
      { type: 'upstream.response', t: 2, req: 'req-9', status: 503, ms: 1 },
      { type: 'upstream.send', t: 3, req: 'req-9', service: 'cart', target: 'b:2', path: '/' },
      { type: 'upstream.response', t: 4, req: 'req-9', status: 0, ms: 1 },
      { type: 'upstream.send', t: 5, req: 'req-9', service: 'cart', target: 'c:3', path: '/' },
      { type: 'upstream.response', t: 6, req: 'req-9', status: 200, ms: 1 },
    ];
    const r = run([start, ...tries, { ...endAt(7), body: 'h\u00e9llo' }]);
    expect(formatUpstreamInfo(r)).toMatch(/ a:1, b:2, c:3 0, 0, 6 0\.001, 0\.001, 0\.001 503, 502, 200 req-9$/);
    expect(JSON.parse(formatAccessJson(r))).toMatchObject({ request_length: 79, upstream_response_length: [0, 0, 6] });
    // The gateway's own answer after a try (retries used up): that try's body never reached anyone.
    const own = run([start, ...tries.slice(0, 2), { ...endAt(3, 503), source: 'gateway', body: '{"message":"no"}' }]);
    expect(own.upstreamResponseLength).toEqual([0]);
  });

  it('§11 with the proxy\'s wire facts the counts are the ones its sockets saw, whatever the trace carries', () => {
    const b = new AccessLogBuilder(EPOCH);
    const facts = { referer: null, userAgent: null, bodyBytesSent: 5, requestLength: 312, upstreamBytes: 70_000 };
    b.add({ ...start, headers: undefined } as unknown as TraceEvent, facts);
    b.add({ type: 'upstream.send', t: 1, req: 'req-9', service: 'cart', target: 'a:1', path: '/' } as unknown as TraceEvent);
    b.add({ type: 'upstream.response', t: 2, req: 'req-9', status: 200, ms: 1 } as unknown as TraceEvent);
    const r = b.add(endAt(3) as unknown as TraceEvent, facts) as AccessRecord;
    expect(formatUpstreamInfo(r)).toMatch(/ 312 0\.003 \[cart\] \[\] a:1 70000 0\.001 200 req-9$/);
  });
});
