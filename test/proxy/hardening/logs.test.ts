/**
 * Credentials never reach a log line or the live trace: Authorization, Proxy-Authorization, Cookie,
 * Set-Cookie and API keys (the names key-auth is configured with, in headers and in the query) show as
 * "[redacted]". One suite runs `gatelab serve` as a user would and reads its access log on stdout; the
 * other reads the in-process proxy's trace at level full, where headers are included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../../support/serve-process.ts';
import { API_KEY, hardeningConfig, sendRaw, startHardenedProxy, startRecordingUpstream, type HardenedProxy, type RecordingUpstream } from './harness.ts';

const SECRETS = [API_KEY, 'bearer-token-xyz', 'session-cookie-abc', 'proxy-pass-123', 'query-key-789'];

const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function secretRequest(path: string): string {
  return [
    `GET ${path} HTTP/1.1`,
    'Host: api.example.com',
    'Authorization: Bearer bearer-token-xyz',
    'Cookie: session=session-cookie-abc',
    'Proxy-Authorization: Basic proxy-pass-123',
    `x-partner-key: ${API_KEY}`,
    'Connection: close',
    '',
    '',
  ].join('\r\n');
}

describe('gatelab serve access log (stdout)', () => {
  for (const format of ['nginx', 'json'] as const) {
    it(`--log ${format}: API keys in the query are redacted, the rest of the line is kept`, async () => {
      const upstream: RecordingUpstream = await startRecordingUpstream();
      cleanup.push(() => upstream.close());
      const dir = mkdtempSync(join(tmpdir(), 'gatelab-logs-'));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      const config = join(dir, 'kong.yaml');
      writeFileSync(config, hardeningConfig(upstream.port));
      const serve: ServeProcess = await startServe(['--config', config, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--log', format]);
      cleanup.push(() => serve.stop());
      const port = Number(/proxy on http:\/\/127\.0\.0\.1:(\d+)/.exec(serve.stderr())?.[1]);
      const answer = await sendRaw(port, secretRequest(`/admin/orders?apikey=${API_KEY}&page=2&access_token=query-key-789`));
      expect(answer.statuses).toEqual([200]);
      // A refused request is logged too, with the same redaction.
      await sendRaw(port, `GET /public/x?apikey=query-key-789 HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n`);
      const deadline = Date.now() + 5000;
      while (serve.stdout().split('\n').filter(Boolean).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const log = serve.stdout();
      expect(log.split('\n').filter(Boolean)).toHaveLength(2);
      for (const secret of SECRETS) expect(log).not.toContain(secret);
      expect(log).toContain('/admin/orders?apikey=[redacted]&page=2&access_token=[redacted]');
      expect(log).toMatch(format === 'json' ? /"status":400/ : /" 400 /);
    });
  }
});

describe('the live trace (admin /trace and every sink subscriber)', () => {
  let gw: HardenedProxy | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('at level full, credential headers and query keys in request.start, decisions and upstream.send are "[redacted]"', async () => {
    gw = await startHardenedProxy({ level: 'full' });
    const answer = await sendRaw(gw.port, secretRequest(`/admin/orders?jwt=query-key-789`));
    expect(answer.statuses).toEqual([200]);
    const text = JSON.stringify(gw.events);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const start = gw.events.find((e) => e.type === 'request.start');
    expect(start?.type === 'request.start' && start.headers).toMatchObject({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'proxy-authorization': '[redacted]',
      'x-partner-key': '[redacted]',
      host: 'api.example.com',
    });
    // The upstream itself still got what it needs: the gateway's header and the client's cookie.
    expect(gw.upstream.complete[0]?.rawHeaders).toContain('session=session-cookie-abc');
  });
});
