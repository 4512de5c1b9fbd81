/**
 * in-flight-limit, nginx flavour: `limit_conn` as ingress-nginx renders `limit-connections`. Sources:
 * nginx/nginx src/http/modules/ngx_http_limit_conn_module.c (ngx_http_limit_conn_handler: an empty
 * key is skipped, `lc->conn >= limits[i].conn` refuses with limit_conn_status, else conn++;
 * ngx_http_limit_conn_cleanup on the request pool: the count drops when the request ends;
 * ngx_http_limit_conn: a count outside 1..65535 is "invalid number of connections");
 * ingress-nginx internal/ingress/annotations/ratelimit/main.go (Connections zone `<ns>_<name>_…_conn`)
 * and config.go (limit-conn-status-code 503). Semantics §8: limit-connections → limit_conn, keyed by
 * $binary_remote_addr.
 */
import { describe, expect, it } from 'vitest';
import { nginxPage } from '../../net/nginx-pages.ts';
import { collecting, context, host, hooksOf, replyOf } from '../kit/test-kit.ts';
import { inFlightLimitPlugin } from './plugin.ts';

const h = host();
const conn = (n: number, status = 503) => ({ flavour: 'nginx', zone: 'shop_api_conn', conn: n, status });

function admit(hooks: ReturnType<typeof hooksOf>, peerIp = '198.51.100.7') {
  const ctx = context({ peerIp });
  return { ctx, verdict: hooks.access!(ctx, h) };
}

describe('in-flight-limit flavour nginx (limit_conn)', () => {
  it('§8 keyed by the client address: the request that finds conn in progress gets 503 and nginx\'s page', () => {
    const hooks = hooksOf(inFlightLimitPlugin, conn(2));
    expect(admit(hooks).verdict.kind).toBe('next');
    expect(admit(hooks).verdict.kind).toBe('next');
    const third = replyOf(admit(hooks).verdict);
    expect([third.status, third.body, third.headers]).toEqual([503, nginxPage(503), [['Content-Type', 'text/html']]]);
    expect(third.reason).toBe("limit_conn shop_api_conn 2: 2 requests from client 198.51.100.7 in progress ≥ 2 → 503 (limit_conn_status, the ConfigMap's limit-conn-status-code)");
    // Another address has its own count.
    expect(admit(hooks, '198.51.100.8').verdict.kind).toBe('next');
  });

  it('ngx_http_limit_conn_cleanup: the count drops when the request ends (log), and a refused request held none', () => {
    const hooks = hooksOf(inFlightLimitPlugin, conn(1));
    const first = admit(hooks);
    const refused = admit(hooks);
    expect(refused.verdict.kind).toBe('reply');
    hooks.log?.(refused.ctx, h);
    expect(admit(hooks).verdict.kind).toBe('reply');
    expect(hooks.snapshot?.(h)).toEqual({ zone: 'shop_api_conn', conn: 1, inFlight: { '198_51_100_7': 1 } });
    hooks.log?.(first.ctx, h);
    expect(admit(hooks).verdict.kind).toBe('next');
  });

  it('limit_conn_status: another status answers with its own page', () => {
    const hooks = hooksOf(inFlightLimitPlugin, conn(1, 429));
    admit(hooks);
    const v = replyOf(admit(hooks).verdict);
    expect([v.status, v.body]).toEqual([429, nginxPage(429)]);
  });

  it('ngx_http_limit_conn: conn outside 1..65535 and a status outside 400..599 are config errors', () => {
    const r = collecting();
    inFlightLimitPlugin.parse({ flavour: 'nginx', zone: 'z', conn: 0, status: 302 }, r);
    expect(r.items.map((i) => `${i.severity} ${i.path}`)).toEqual(['error conn', 'error status']);
  });
});
