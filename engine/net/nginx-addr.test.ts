import { describe, expect, it } from 'vitest';
import { ngxInetAddr, parseNginxAddrPort } from './nginx-addr.ts';

describe('parseNginxAddrPort (ngx_parse_addr_port)', () => {
  it('§6 realip: accepts addresses with and without a port and drops the port', () => {
    expect(parseNginxAddrPort('198.51.100.23')).toBe('198.51.100.23');
    expect(parseNginxAddrPort('198.51.100.23:51234')).toBe('198.51.100.23');
    expect(parseNginxAddrPort('2001:db8::1')).toBe('2001:db8::1');
    expect(parseNginxAddrPort('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(parseNginxAddrPort('::ffff:10.1.2.3')).toBe('10.1.2.3');
  });

  it('§6 realip: refuses what nginx refuses', () => {
    for (const bad of ['[2001:db8::1]', '1.2.3.4:0', '1.2.3.4:65536', '1.2.3.4:', 'unknown', '_hidden', 'fe80::1%eth0', '1.2.3', '256.1.1.1', 'example.com:80']) {
      expect(parseNginxAddrPort(bad), bad).toBeUndefined();
    }
  });

  it('§6 realip: ngx_inet_addr reads octets as decimal, empty as 0, and refuses 255.255.255.255', () => {
    expect(ngxInetAddr('010.001.002.003')).toEqual([10, 1, 2, 3]);
    expect(ngxInetAddr('1..2.3')).toEqual([1, 0, 2, 3]);
    expect(ngxInetAddr('255.255.255.255')).toBeUndefined();
    expect(ngxInetAddr('255.255.255.254')).toEqual([255, 255, 255, 254]);
    expect(ngxInetAddr('0001.2.3.4')).toEqual([1, 2, 3, 4]);
  });
});
