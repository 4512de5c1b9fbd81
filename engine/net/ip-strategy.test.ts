import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../pipeline/headers.ts';
import { compileIpStrategy, ipv6SubnetIp, traefikSourceIp, type TraefikIpStrategyConfig } from './ip-strategy.ts';

const PEER = '10.0.0.5';
const req = (xff?: string | string[], remoteAddr = PEER) => ({
  remoteAddr,
  headers: new HeaderMap(xff === undefined ? {} : { 'X-Forwarded-For': xff }),
});
const source = (cfg: TraefikIpStrategyConfig | undefined, xff?: string | string[], remote?: string) =>
  traefikSourceIp(cfg, req(xff, remote)).source;

describe('Traefik ipStrategy', () => {
  it('§4 ipStrategy: no strategy means the remote address', () => {
    expect(source(undefined, '192.0.2.1')).toBe(PEER);
    expect(source({}, '192.0.2.1')).toBe(PEER);
    expect(source(undefined, undefined, '::ffff:10.0.0.5')).toBe(PEER);
    expect(traefikSourceIp(undefined, req()).reason).toBe('source is the remote address 10.0.0.5');
  });

  it('§4 ipStrategy depth: counts from the right of X-Forwarded-For', () => {
    const xff = '198.51.100.23, 173.245.48.5, 10.0.0.9';
    expect(source({ depth: 1 }, xff)).toBe('10.0.0.9');
    expect(source({ depth: 2 }, xff)).toBe('173.245.48.5');
    expect(source({ depth: 3 }, xff)).toBe('198.51.100.23');
    expect(traefikSourceIp({ depth: 2 }, req(xff)).reason).toBe(
      'ipStrategy.depth=2: the 2nd X-Forwarded-For entry from the right is 173.245.48.5',
    );
  });

  it('§4 ipStrategy depth: fewer entries than depth gives "" (one shared bucket)', () => {
    expect(source({ depth: 4 }, '198.51.100.23, 173.245.48.5')).toBe('');
    expect(traefikSourceIp({ depth: 4 }, req('198.51.100.23, 173.245.48.5')).reason).toContain('has 2 entries');
    expect(source({ depth: 1 })).toBe('');
  });

  it('§4 ipStrategy depth: the entry is not validated', () => {
    expect(source({ depth: 1 }, '198.51.100.23, not-an-ip')).toBe('not-an-ip');
    expect(source({ depth: 1 }, '198.51.100.23,')).toBe('');
  });

  it('§4 ipStrategy: only the first X-Forwarded-For line is read (Go Header.Get)', () => {
    expect(source({ depth: 1 }, ['198.51.100.23', '10.0.0.9'])).toBe('198.51.100.23');
  });

  it('§4 ipStrategy excludedIPs: scans right to left for the first address not excluded', () => {
    const cfg = { excludedIPs: ['10.0.0.0/8', '173.245.48.0/20'] };
    const xff = '192.0.2.1, 198.51.100.23, 173.245.48.5, 10.0.0.9';
    expect(source(cfg, xff)).toBe('198.51.100.23');
    expect(traefikSourceIp(cfg, req(xff)).reason).toBe(
      'ipStrategy.excludedIPs: scanning X-Forwarded-For from the right past excluded 10.0.0.9 (10.0.0.0/8), 173.245.48.5 (173.245.48.0/20), 198.51.100.23 is the first not excluded',
    );
  });

  it('§4 ipStrategy excludedIPs: all excluded or no header gives ""; empty entries are skipped; garbage is "not excluded"', () => {
    const cfg = { excludedIPs: ['10.0.0.0/8'] };
    expect(source(cfg, '10.0.0.1, 10.0.0.2')).toBe('');
    expect(source(cfg)).toBe('');
    expect(source(cfg, '198.51.100.23, , 10.0.0.2')).toBe('198.51.100.23');
    expect(source(cfg, '198.51.100.23, unknown, 10.0.0.2')).toBe('unknown');
  });

  it('§4 ipStrategy: depth overrides excludedIPs', () => {
    expect(source({ depth: 1, excludedIPs: ['10.0.0.0/8'] }, '198.51.100.23, 10.0.0.9')).toBe('10.0.0.9');
    expect(source({ depth: 0, excludedIPs: ['10.0.0.0/8'] }, '198.51.100.23, 10.0.0.9')).toBe('198.51.100.23');
  });

  it('§4 ipStrategy excludedIPs: Go reads a mapped range as IPv4', () => {
    expect(source({ excludedIPs: ['::ffff:10.0.0.0/104'] }, '198.51.100.23, 10.0.0.9')).toBe('198.51.100.23');
  });

  it('§4 ipStrategy ipv6Subnet: groups IPv6 sources of depth and remote address, leaves IPv4 alone', () => {
    expect(source({ depth: 1, ipv6Subnet: 64 }, '2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::');
    expect(source({ ipv6Subnet: 48 }, undefined, '2001:db8:1:2::7')).toBe('2001:db8:1::');
    expect(source({ ipv6Subnet: 64 }, undefined, '198.51.100.23')).toBe('198.51.100.23');
    expect(ipv6SubnetIp('garbage', 64)).toBe('garbage');
    expect(ipv6SubnetIp('[2001:db8::1]', 64)).toBe('[2001:db8::1]');
  });

  it('§4 ipStrategy: config errors Traefik refuses to start with', () => {
    expect(compileIpStrategy({ ipv6Subnet: 0 }).errors[0]).toMatch(/invalid IPv6 subnet 0/);
    expect(compileIpStrategy({ depth: 1, ipv6Subnet: 129 }).errors).toHaveLength(1);
    expect(compileIpStrategy({ excludedIPs: ['10.0.0.0/8', 'nope'] }).errors).toEqual([
      'excludedIPs[1]: "nope" is not an IP address or CIDR block (gatelab does not resolve host names)',
    ]);
    expect(compileIpStrategy({ depth: 2 }).strategy).toEqual({ kind: 'depth', depth: 2 });
  });
});
