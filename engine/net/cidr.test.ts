import { describe, expect, it } from 'vitest';
import { emptyCidrMatcher, parseCidrList } from './cidr.ts';

const CDN = ['173.245.48.0/20', '103.21.244.0/22', '2400:cb00::/32'];

describe('parseCidrList', () => {
  it('matches IPv4 and IPv6 ranges and reports which entry matched', () => {
    const { matcher, errors, warnings } = parseCidrList(CDN);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(matcher.contains('173.245.48.5')).toBe(true);
    expect(matcher.contains('173.245.64.0')).toBe(false);
    expect(matcher.find('103.21.247.255')?.source).toBe('103.21.244.0/22');
    expect(matcher.contains('2400:cb00:2048::1')).toBe(true);
    expect(matcher.contains('2400:cb01::1')).toBe(false);
  });

  it('treats bare addresses as /32 and /128', () => {
    const { matcher } = parseCidrList(['10.0.0.5', '2001:db8::7']);
    expect(matcher.entries.map((e) => e.text)).toEqual(['10.0.0.5/32', '2001:db8::7/128']);
    expect(matcher.contains('10.0.0.5')).toBe(true);
    expect(matcher.contains('10.0.0.6')).toBe(false);
    expect(matcher.contains('2001:db8:0::7')).toBe(true);
  });

  it('supports 0.0.0.0/0 and ::/0, each for its own family only', () => {
    const v4 = parseCidrList(['0.0.0.0/0']).matcher;
    expect(v4.contains('203.0.113.9')).toBe(true);
    expect(v4.contains('2001:db8::1')).toBe(false);
    const v6 = parseCidrList(['::/0']).matcher;
    expect(v6.contains('2001:db8::1')).toBe(true);
    expect(v6.contains('203.0.113.9')).toBe(false);
  });

  it('§6 nginx: a mapped client address matches IPv4 ranges, never IPv6 ones (ngx_cidr_match)', () => {
    const { matcher } = parseCidrList(['10.0.0.0/8', '::/0']);
    expect(matcher.find('::ffff:10.1.2.3')?.source).toBe('10.0.0.0/8');
    expect(parseCidrList(['::/0']).matcher.contains('::ffff:10.1.2.3')).toBe(false);
  });

  it('§6 nginx: a mapped range never matches, and the warning says what to write', () => {
    const { matcher, errors, warnings } = parseCidrList(['::ffff:10.0.0.0/104', '::ffff:192.0.2.1']);
    expect(errors).toEqual([]);
    expect(matcher.contains('10.1.2.3')).toBe(false);
    expect(matcher.contains('::ffff:10.1.2.3')).toBe(false);
    expect(warnings.map((w) => w.index)).toEqual([0, 1]);
    expect(warnings[0]?.message).toContain('Write 10.0.0.0/8');
    expect(warnings[1]?.message).toContain('Write 192.0.2.1');
  });

  it('§4 Go (Traefik): a mapped range is the IPv4 range it embeds (net.IPNet.Contains)', () => {
    const { matcher, warnings } = parseCidrList(['::ffff:10.0.0.0/104', '::ffff:192.0.2.1'], { flavor: 'go' });
    expect(warnings).toEqual([]);
    expect(matcher.entries.map((e) => e.text)).toEqual(['10.0.0.0/8', '192.0.2.1/32']);
    expect(matcher.contains('10.1.2.3')).toBe(true);
    expect(matcher.contains('::ffff:192.0.2.1')).toBe(true);
  });

  it('reports invalid entries by index and keeps the valid ones', () => {
    const { matcher, errors } = parseCidrList(['10.0.0.0/8', 'cdn.example.com', '10.0.0.0/33', '', '2001:db8::/129', '1.2.3.4/x', '[::1]/128', 'fe80::1%eth0']);
    expect(errors.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(errors[0]?.message).toMatch(/not an IP address or CIDR block/);
    expect(errors[1]?.message).toMatch(/0–32/);
    expect(matcher.entries).toHaveLength(1);
    expect(matcher.contains('10.9.9.9')).toBe(true);
  });

  it('§6 nginx set_real_ip_from: warns about host bits and masks them', () => {
    const { matcher, warnings } = parseCidrList(['10.1.2.3/8']);
    expect(matcher.entries[0]?.text).toBe('10.0.0.0/8');
    expect(warnings[0]?.message).toMatch(/low address bits of 10\.1\.2\.3\/8 are meaningless/);
    expect(matcher.contains('10.200.0.1')).toBe(true);
  });

  it('trims entries and notes that "unix:" matches nothing here', () => {
    const { matcher, errors, warnings } = parseCidrList([' 10.0.0.0/8 ', 'unix:']);
    expect(errors).toEqual([]);
    expect(warnings[0]).toMatchObject({ index: 1, entry: 'unix:' });
    expect(matcher.contains('10.0.0.1')).toBe(true);
  });

  it('never matches a non-address and an empty list trusts nobody', () => {
    const { matcher } = parseCidrList(['0.0.0.0/0', '::/0']);
    expect(matcher.contains('not-an-ip')).toBe(false);
    expect(matcher.contains('')).toBe(false);
    expect(emptyCidrMatcher().contains('127.0.0.1')).toBe(false);
    expect(parseCidrList([]).matcher.contains('127.0.0.1')).toBe(false);
  });

  it('matches prefixes that do not end on a byte boundary', () => {
    const { matcher } = parseCidrList(['192.0.2.64/27', '2001:db8:8000::/33']);
    expect(matcher.contains('192.0.2.95')).toBe(true);
    expect(matcher.contains('192.0.2.96')).toBe(false);
    expect(matcher.contains('192.0.2.63')).toBe(false);
    expect(matcher.contains('2001:db8:ffff::1')).toBe(true);
    expect(matcher.contains('2001:db8:7fff::1')).toBe(false);
  });
});
