/**
 * X-Forwarded-For forgery on the real proxy (semantics §6 real IP, §12): from an untrusted peer the
 * header is never read for client identity and the gateway appends the peer; from a trusted peer only
 * the rightmost entry counts (real_ip_recursive off), so a forged leftmost entry is ignored. An
 * IPv4-mapped IPv6 peer (::ffff:127.0.0.1, what a dual-stack listener reports) matches IPv4 ranges.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseCidrList } from '../../../engine/net/cidr.ts';
import { sendRaw, startHardenedProxy, type HardenedProxy } from './harness.ts';

let gw: HardenedProxy | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const TRUST_LOOPBACK = `_gatelab:\n  trusted_ips: [127.0.0.0/8]\n  real_ip_header: X-Forwarded-For\n`;

async function forwarded(xff: string): Promise<{ xff: string | undefined; realIp: string | undefined; clientIp: unknown }> {
  const answer = await sendRaw(gw!.port, `GET /public/x HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-For: ${xff}\r\nConnection: close\r\n\r\n`);
  expect(answer.statuses).toEqual([200]);
  const raw = gw!.upstream.complete.at(-1)!.rawHeaders;
  const pick = (name: string): string | undefined => raw[raw.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === name) + 1];
  const decision = gw!.events.find((e) => e.type === 'plugin.decision' && e.plugin === 'real-ip');
  return { xff: pick('x-forwarded-for'), realIp: pick('x-real-ip'), clientIp: decision?.type === 'plugin.decision' ? decision.data?.clientIp : undefined };
}

describe('X-Forwarded-For from clients', () => {
  it('untrusted peer (no trusted_ips): the forged entry is kept as text, the peer appended, identity is the peer', async () => {
    gw = await startHardenedProxy();
    const r = await forwarded('6.6.6.6');
    expect(r.xff).toBe('6.6.6.6, 127.0.0.1');
    expect(r.realIp).toBe('127.0.0.1');
  });

  it('trusted peer, recursive off: only the rightmost entry counts; a forged leftmost one is ignored', async () => {
    gw = await startHardenedProxy({ extraConfig: TRUST_LOOPBACK });
    const r = await forwarded('1.1.1.1, 6.6.6.6');
    expect(r.realIp).toBe('6.6.6.6');
    expect(r.clientIp).toBe('6.6.6.6');
    expect(r.xff).toBe('1.1.1.1, 6.6.6.6, 127.0.0.1');
  });

  it('a rightmost entry that is not an address is ignored: the client stays the peer (nginx declines)', async () => {
    gw = await startHardenedProxy({ extraConfig: TRUST_LOOPBACK });
    const r = await forwarded('6.6.6.6, not-an-ip');
    expect(r.realIp).toBe('127.0.0.1');
  });

  it('a dual-stack listener sees ::ffff:127.0.0.1, which matches the IPv4 range 127.0.0.0/8', async () => {
    gw = await startHardenedProxy({ extraConfig: TRUST_LOOPBACK, host: '::' });
    const r = await forwarded('6.6.6.6');
    expect(r.realIp).toBe('6.6.6.6');
    expect(r.xff).toBe('6.6.6.6, 127.0.0.1');
  });

  it('CIDR checks: ::ffff:10.0.0.1 is inside 10.0.0.0/8 and outside ::/0', () => {
    expect(parseCidrList(['10.0.0.0/8']).matcher.contains('::ffff:10.0.0.1')).toBe(true);
    expect(parseCidrList(['::/0']).matcher.contains('::ffff:10.0.0.1')).toBe(false);
    expect(parseCidrList(['10.0.0.0/8']).matcher.contains('::ffff:11.0.0.1')).toBe(false);
  });
});
