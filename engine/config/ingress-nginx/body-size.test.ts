/**
 * ingress-nginx proxy-body-size → client_max_body_size, through the adapter and the dialect.
 * Sources: kubernetes/ingress-nginx internal/ingress/annotations/proxy/main.go (Parse: proxy-body-size,
 * validated by parser.SizeRegex, else the default backend's ProxyBodySize), internal/ingress/controller/
 * config/config.go (ProxyBodySize "1m"), rootfs/etc/nginx/template/nginx.tmpl (client_max_body_size
 * per location); nginx/nginx src/http/ngx_http_core_module.c (ngx_http_core_find_config_phase: the 413
 * comes right after the location is chosen, before the rewrite phase and the auto-redirect) and
 * src/http/ngx_http_request_body.c (the chunked filter).
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { createExplainSession } from '../../runtimes/sim/explain.ts';
import { ask, docs, ingress, ingressIr, session } from './test-kit.ts';

const MiB = 1048576;
const post = (bytes: number) => ({ method: 'POST', headers: { 'content-length': String(bytes) } });
const upload = (annotations: Record<string, string> = {}, extra: { tls?: string[] } = {}) => ingress('uploads', 'api.example.com', [['/', 'Prefix', 'api']], annotations, extra);
const reasons = (r: { decisions: Array<{ reason: string }> }): string => r.decisions.map((d) => d.reason).join(' | ');

describe('proxy-body-size default (config.go "1m"): every location without the annotation', () => {
  it('a declared 2 MiB upload is 413 with nginx\'s page; exactly 1 MiB passes', async () => {
    const r = await ask(upload(), 'http://api.example.com/files', post(2 * MiB));
    expect(r.status).toBe(413);
    expect(String(r.response.body)).toContain('<title>413 Request Entity Too Large</title>');
    expect(reasons(r)).toContain('Content-Length 2097152 > client_max_body_size 1m (proxy-body-size default) → 413');
    expect(r.upstream).toBeNull();
    expect((await ask(upload(), 'http://api.example.com/files', post(MiB))).status).toBe(200);
  });

  it('find-config comes before the rewrite phase: no ssl-redirect, and limit_req counts nothing', async () => {
    expect((await ask(upload({}, { tls: ['api.example.com'] }), 'http://api.example.com/files', post(2 * MiB))).status).toBe(413);
    const send = session(upload({ 'limit-rps': '1', 'limit-burst-multiplier': '1' }));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await send('http://api.example.com/files', post(2 * MiB))).status);
    // rate=1r/s burst=1: two GETs pass at one instant, as if the three uploads had never come.
    for (let i = 0; i < 3; i++) statuses.push((await send('http://api.example.com/files')).status);
    expect(statuses).toEqual([413, 413, 413, 200, 200, 503]);
  });

  it('the default backend\'s location has the default too; app-root\'s server-level redirect comes first', async () => {
    expect((await ask(upload(), 'http://other.example.com/x', post(2 * MiB))).status).toBe(413);
    expect((await ask(upload({ 'app-root': '/app' }), 'http://api.example.com/', post(2 * MiB))).status).toBe(302);
  });
});

describe('the proxy-body-size annotation', () => {
  it('8m admits the 2 MiB upload and refuses 9 MiB, naming the annotation; no "not modelled" warning', async () => {
    const text = upload({ 'proxy-body-size': '8m' });
    expect((await ask(text, 'http://api.example.com/files', post(2 * MiB))).status).toBe(200);
    const big = await ask(text, 'http://api.example.com/files', post(9 * MiB));
    expect(big.status).toBe(413);
    expect(reasons(big)).toContain('Content-Length 9437184 > client_max_body_size 8m (proxy-body-size annotation) → 413');
    expect(ingressIr(text).diagnostics).toEqual([]);
  });

  it('applies to the locations of its own Ingress only', async () => {
    const text = docs(upload({ 'proxy-body-size': '8m' }), ingress('api', 'api.example.com', [['/api', 'Prefix', 'api']]));
    expect((await ask(text, 'http://api.example.com/files', post(2 * MiB))).status).toBe(200);
    expect((await ask(text, 'http://api.example.com/api/x', post(2 * MiB))).status).toBe(413);
  });

  it('"0" disables the limit', async () => {
    expect((await ask(upload({ 'proxy-body-size': '0' }), 'http://api.example.com/files', post(100 * MiB))).status).toBe(200);
  });

  it('a value SizeRegex refuses is warned at its line and the ConfigMap\'s 1m applies', async () => {
    const text = upload({ 'proxy-body-size': '8 MB' });
    expect(ingressIr(text).diagnostics.map(formatDiagnostic)).toEqual([expect.stringMatching(/proxy-body-size: "8 MB" is not a size .* uses the ConfigMap's proxy-body-size \(1m\)/)]);
    expect((await ask(text, 'http://api.example.com/files', post(2 * MiB))).status).toBe(413);
  });

  it('a chunked body is read in the content phase, after limit_req, and refused past the limit', async () => {
    const text = upload({ 'proxy-body-size': '1k', 'limit-rps': '5' });
    const { ir } = ingressIr(text);
    expect(ir.plugins.map((p) => [p.plugin, p.vendorName])).toEqual([['rate-limit', 'limit-rps'], ['request-size-limit', 'proxy-body-size']]);
    const s = createExplainSession(ir, 1);
    const send = (body: string) =>
      s.send({ method: 'POST', url: 'http://api.example.com/files', headers: [['transfer-encoding', 'chunked']], body, clientIp: '198.51.100.10', now: 1_767_225_600_000, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
    const over = await send('b'.repeat(2000));
    expect(over.status).toBe(413);
    expect(over.decisions.map((d) => d.plugin)).toEqual(expect.arrayContaining(['rate-limit', 'request-size-limit']));
    // The simulation holds the body and counts it; the proxy host stops reading at 1024 (test/parity).
    expect(reasons(over)).toContain('chunked body: 2000 bytes > client_max_body_size 1k (proxy-body-size annotation) → 413');
    expect(over.decisions.map((d) => d.plugin).indexOf('rate-limit')).toBeLessThan(over.decisions.map((d) => d.plugin).indexOf('request-size-limit'));
    expect((await send('b'.repeat(1000))).status).toBe(200);
  });
});
