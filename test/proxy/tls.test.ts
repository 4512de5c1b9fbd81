/** TLS termination with the certificate scripts/make-cert.sh makes; the upstream sees plain HTTP. */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { startEchoUpstream } from '../support/echo-upstream.ts';
import { kongIr, ordersConfig } from '../support/kong-config.ts';
import { ROOT } from '../support/cli.ts';

describe('TLS termination', () => {
  it('serves HTTPS with a self-signed certificate and forwards X-Forwarded-Proto: https', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-tls-'));
    execFileSync('bash', [join(ROOT, 'scripts/make-cert.sh'), dir]);
    const cert = readFileSync(join(dir, 'gatelab.crt'), 'utf8');
    const key = readFileSync(join(dir, 'gatelab.key'), 'utf8');
    const upstream = await startEchoUpstream();
    const proxy = new ProxyServer({ ir: kongIr(ordersConfig(upstream.port, 10)), port: 0, tls: { cert, key }, store: localStore(() => Date.now()) });
    await proxy.start();
    const agent = new Agent({ connect: { ca: cert, servername: 'localhost' } });
    try {
      const res = await request(`https://127.0.0.1:${proxy.port}/api/v1/orders/5`, { dispatcher: agent, headers: { host: 'localhost' } });
      await res.body.dump();
      expect(res.statusCode).toBe(200);
      expect(upstream.received[0]!.url).toBe('/5');
      expect(upstream.received[0]!.headers['x-forwarded-proto']).toBe('https');
      await expect(request(`https://127.0.0.1:${proxy.port}/api/v1/orders/5`)).rejects.toThrow();
    } finally {
      await agent.close();
      await proxy.drain(1000);
      await upstream.close();
    }
  });
});
