/**
 * The Traefik adapter hands rateLimit.sourceCriterion to the rate-limit plugin (semantics §4): the
 * CRD schema prunes unknown fields (a warning), two criteria make Traefik refuse the middleware (its
 * routers not served), and the plugin's own errors point at the YAML line that caused them.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptTraefik } from './adapt.ts';
import type { TraefikTable } from './table.ts';
import { traefikRateLimit } from '../../../test/support/traefik-rate-limit.ts';

/** The criterion's own lines start at line 8 of rl.yaml, at column 7 (what the warnings below point at). */
const config = (sourceCriterion: string): string => traefikRateLimit(`
  rateLimit:
    average: 10
    sourceCriterion:
${sourceCriterion}`);

function adapt(sourceCriterion: string) {
  const parsed = parseYaml(config(sourceCriterion), 'rl.yaml');
  expect(parsed.diagnostics).toEqual([]);
  const r = adaptTraefik(parsed.docs);
  return { ir: r.ir, lines: r.diagnostics.map(formatDiagnostic), key: (r.ir?.plugins[0]?.config as { key?: unknown } | undefined)?.key };
}

describe('Traefik rateLimit.sourceCriterion in the adapter (semantics §4)', () => {
  it('§4 each criterion becomes the key Traefik would count by', () => {
    expect(adapt('      ipStrategy: { depth: 2, ipv6Subnet: 64 }').key).toEqual({ kind: 'ip-strategy', ipStrategy: { depth: 2, ipv6Subnet: 64 } });
    expect(adapt('      ipStrategy: { excludedIPs: [173.245.48.0/20] }').key).toEqual({ kind: 'ip-strategy', ipStrategy: { excludedIPs: ['173.245.48.0/20'] } });
    expect(adapt('      requestHeaderName: X-Api-Key').key).toEqual({ kind: 'header', name: 'x-api-key', asForwarded: true });
    expect(adapt('      requestHost: true').key).toEqual({ kind: 'host' });
    expect(adapt('      ipStrategy: {}').key).toEqual({ kind: 'ip-strategy', ipStrategy: {} });
  });

  it('§4 unknown fields are pruned as the CRD schema prunes them (warned) and the rest still counts', () => {
    const r = adapt('      ipStrategy: { depth: 1, dept: 2 }\n      byHost: true');
    expect(r.lines).toEqual([
      expect.stringContaining('rl.yaml:8:31: warning GL_W_UNKNOWN_FIELD: unknown field "dept" in ipStrategy'),
      expect.stringContaining('rl.yaml:9:7: warning GL_W_UNKNOWN_FIELD: unknown field "byHost" in sourceCriterion'),
    ]);
    expect(r.key).toEqual({ kind: 'ip-strategy', ipStrategy: { depth: 1 } });
  });

  it('§4 two criteria: Traefik refuses the middleware, so the router is not served; no plugin instance', () => {
    const r = adapt('      requestHeaderName: X-Api-Key\n      requestHost: true');
    expect(r.lines.join('\n')).toContain('sourceCriterion: requestHost and RequestHeaderName are mutually exclusive; Traefik refuses the middleware');
    expect(r.ir?.plugins).toEqual([]);
    expect(r.ir?.router.kind === 'traefik' && (r.ir.router.table as TraefikTable).routers[0]?.disabled).toContain('mutually exclusive');
  });

  it('§4 a CIDR Traefik cannot parse, or ipv6Subnet outside 1–128: Traefik cannot build the middleware, so the router is not served', () => {
    const r = adapt('      ipStrategy:\n        excludedIPs: [10.0.0.0/8, cdn.example.com]');
    expect(r.ir?.plugins).toEqual([]);
    expect(r.lines.join('\n')).toContain('sourceCriterion.ipStrategy: excludedIPs[1]: "cdn.example.com" is not an IP address');
    const s = adapt('      ipStrategy: { depth: 1, ipv6Subnet: 0 }');
    expect(s.lines.join('\n')).toContain('invalid IPv6 subnet 0 value, should be greater to 0 and lower or equal to 128');
    // Traefik ignores ipv6Subnet with excludedIPs (it never looks at it), so a bad one refuses nothing.
    expect(adapt('      ipStrategy: { excludedIPs: [10.0.0.0/8], ipv6Subnet: 500 }').ir?.plugins).toHaveLength(1);
  });

  it("§4 a value of the wrong type is refused by the API server: the plugin's error points at its line and the load fails", () => {
    const r = adapt('      ipStrategy:\n        depth: two');
    expect(r.ir).toBeUndefined();
    expect(r.lines).toEqual([expect.stringMatching(/^rl\.yaml:9:16: error GL_E_TYPE: rateLimit: depth must be a number/)]);
  });

  it('§4 no more "cannot be keyed" warning for depth, excludedIPs, ipv6Subnet or requestHost', () => {
    for (const sc of ['      ipStrategy: { depth: 1 }', '      ipStrategy: { excludedIPs: [10.0.0.0/8] }', '      ipStrategy: { ipv6Subnet: 64 }', '      requestHost: true']) {
      expect(adapt(sc).lines, sc).toEqual([]);
    }
  });
});
