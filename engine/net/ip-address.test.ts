import { describe, expect, it } from 'vitest';
import { isValidIp, normalizeIp, parseIp, parseIpLiteral } from './ip-address.ts';

describe('normalizeIp / isValidIp', () => {
  it('keeps canonical IPv4 and writes IPv6 in RFC 5952 form', () => {
    expect(normalizeIp('198.51.100.23')).toBe('198.51.100.23');
    expect(normalizeIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(normalizeIp('::')).toBe('::');
  });

  it('strips brackets and zone ids', () => {
    expect(normalizeIp('[2001:db8::1]')).toBe('2001:db8::1');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeIp('[fe80::1%25eth0]')).toBe('fe80::1');
  });

  it('writes IPv4-mapped IPv6 as IPv4, as a dual-stack socket peer should be compared', () => {
    expect(normalizeIp('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeIp('::ffff:a01:203')).toBe('10.1.2.3');
    expect(parseIp('::ffff:10.1.2.3')?.family).toBe('ipv4');
    expect(parseIpLiteral('::ffff:10.1.2.3')).toMatchObject({ family: 'ipv6', text: '::ffff:10.1.2.3' });
  });

  it('reads the deprecated IPv4-compatible ::1.2.3.4 as IPv6, not as mapped', () => {
    expect(normalizeIp('::1.2.3.4')).toBe('::102:304');
  });

  it('refuses ambiguous or partial IPv4 spellings', () => {
    for (const bad of ['010.1.1.1', '127.1', '0x7f.0.0.1', '1.2.3.256', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.4%eth0']) {
      expect(isValidIp(bad), bad).toBe(false);
    }
  });

  it('refuses broken IPv6 and non-addresses', () => {
    for (const bad of ['', 'abc', '1::2::3', '::12345', '[::1', '::1]', 'fe80::1%', '1:2:3:4:5:6:7:8:9', 'example.com']) {
      expect(isValidIp(bad), bad).toBe(false);
    }
  });
});
