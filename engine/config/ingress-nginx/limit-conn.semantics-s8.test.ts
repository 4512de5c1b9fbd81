/**
 * Semantics §8: `limit-connections` → limit_conn, per client address. Sources: kubernetes/ingress-nginx
 * internal/ingress/annotations/ratelimit/main.go (Parse: Connections zone `<zoneName>_conn`, a
 * non-integer drops the Ingress's limits), internal/ingress/controller/template/template.go
 * (buildRateLimitZones: `limit_conn_zone $limit_<id>`, where $limit_<id> is "" for limit-allowlist
 * clients; buildRateLimit: `limit_conn <zone> <N>`), config.go (limit-conn-status-code 503); nginx
 * src/http/ngx_http.c ngx_http_init_phase_handlers (a phase's handlers run last-registered first) with
 * auto/modules (limit_conn registers before limit_req), so limit_req decides first.
 */
import { describe, expect, it } from 'vitest';
import { ingress, ingressIr, session } from './test-kit.ts';

const api = (annotations: Record<string, string>) => ingress('api', 'api.example.com', [['/', 'Prefix', 'api']], annotations);

describe('§8 limit-connections → limit_conn (in-flight-limit, nginx flavour)', () => {
  it('becomes one instance for the Ingress, status 503, no "not modelled" warning', () => {
    const { ir, diagnostics } = ingressIr(api({ 'limit-connections': '2' }));
    expect(diagnostics).toEqual([]);
    expect(ir.plugins.map((p) => [p.plugin, p.config, p.scope])).toEqual([['in-flight-limit', { flavour: 'nginx', zone: 'default_api_conn', conn: 2, status: 503 }, { route: 'ingress:default/api' }]]);
  });

  it('limit_req runs before limit_conn, limit_conn before auth_request (declared = nginx phase order)', () => {
    const { ir } = ingressIr(api({ 'limit-connections': '2', 'limit-rps': '5', 'auth-url': 'http://auth.internal/check' }));
    expect(ir.plugins.map((p) => p.plugin)).toEqual(['rate-limit', 'in-flight-limit', 'forward-auth']);
  });

  it('a request frees its slot when it ends: one at a time, none is refused', async () => {
    const send = session(api({ 'limit-connections': '1' }));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await send('http://api.example.com/x')).status);
    expect(statuses).toEqual([200, 200, 200]);
  });

  it('a limit-allowlist client has an empty key: limit_conn does not run for it', async () => {
    const send = session(api({ 'limit-connections': '1', 'limit-allowlist': '10.0.0.0/8' }));
    const r = await send('http://api.example.com/x', { clientIp: '10.1.2.3' });
    expect(r.decisions.map((d) => d.plugin)).not.toContain('in-flight-limit');
    const other = await send('http://api.example.com/x');
    expect(other.decisions.map((d) => d.plugin)).toContain('in-flight-limit');
  });

  it('a non-integer limit-connections drops every limit of the Ingress (ratelimit/main.go)', () => {
    const { ir, diagnostics } = ingressIr(api({ 'limit-connections': 'ten', 'limit-rps': '5' }));
    expect(ir.plugins).toEqual([]);
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('limit-connections "ten" is not an integer')]);
  });
});
