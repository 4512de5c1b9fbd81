/** explain answers rate-limit and real-ip questions with the reason in `decisions` (issue 3). */
import { describe, expect, it } from 'vitest';
import { gatelab } from '../support/cli.ts';

const BURST = 'scenarios/rate-limiting/boundary-burst.yaml';

describe('gatelab explain --scenario --at', () => {
  it('a request at 12:00:59.5 in the same-window variant meets a full window: 429', () => {
    const r = gatelab(['explain', '--scenario', BURST, '--variant', 'same-window', '--at', '59s500ms', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe(429);
    const limiter = out.decisions.find((d: { plugin: string; phase: string }) => d.plugin === 'rate-limit' && d.phase === 'access');
    expect(limiter.reason).toContain('100 of 100 used');
  });

  it('just after the window rolls over, the same request is admitted with 99 remaining (the boundary burst)', () => {
    const out = JSON.parse(gatelab(['explain', '--scenario', BURST, '--at', '1m0s500ms', '--json']).stdout);
    expect(out.status).toBe(200);
    expect(out.response.headers['x-ratelimit-remaining-minute']).toBe('99');
  });

  it('rejects an --at that is not a duration', () => {
    const r = gatelab(['explain', '--scenario', BURST, '--at', 'soon']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--at takes a Go duration');
  });
});

describe('gatelab explain: real client address (semantics §6)', () => {
  it('behind two trusted proxies with recursion, the client is the first untrusted address from the right', () => {
    const r = gatelab([
      'explain', '--config', 'test/cli/fixtures/kong-trusted.yaml', '--json',
      '--request', 'GET http://api.example.com/api/x',
      '--client-ip', '10.0.0.2',
      '-H', 'X-Forwarded-For: 198.51.100.77, 203.0.113.9, 10.0.0.1',
    ]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    const realIp = out.decisions.find((d: { plugin: string }) => d.plugin === 'real-ip');
    expect(realIp.reason).toContain('203.0.113.9');
    const limiter = out.decisions.find((d: { plugin: string; phase: string }) => d.plugin === 'rate-limit' && d.phase === 'access');
    expect(limiter.reason).toContain('203.0.113.9');
    // Kong appends the TCP peer to what the client sent, trusted or not.
    expect(out.upstream.headers['x-forwarded-for']).toBe('198.51.100.77, 203.0.113.9, 10.0.0.1, 10.0.0.2');
    expect(out.upstream.headers['x-real-ip']).toBe('203.0.113.9');
  });

  it('from an untrusted peer the header is ignored: the client is the peer', () => {
    const out = JSON.parse(
      gatelab([
        'explain', '--config', 'test/cli/fixtures/kong-trusted.yaml', '--json',
        '--request', 'GET http://api.example.com/api/x',
        '--client-ip', '192.0.2.50',
        '-H', 'X-Forwarded-For: 1.2.3.4',
      ]).stdout,
    );
    const realIp = out.decisions.find((d: { plugin: string }) => d.plugin === 'real-ip');
    expect(realIp.reason).toContain('192.0.2.50');
    expect(out.upstream.headers['x-real-ip']).toBe('192.0.2.50');
  });
});
