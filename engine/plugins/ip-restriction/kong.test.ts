/**
 * Kong's ip-restriction through the Kong dialect, end to end. Each rule cites where Kong says it:
 * kong/plugins/ip-restriction/handler.lua (`do_restrict`, `do_exit`), schema.lua, and semantics §6
 * (the priority table; real IP).
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { loadGateway } from '../../config/load-gateway.ts';
import { parseYaml } from '../../config/yaml-source.ts';
import { createExplainSession } from '../../runtimes/sim/explain.ts';
import { explainGet, KONG_ORDERS, kongIr } from '../../pipeline/test-kit.ts';
import { collectingReporter } from '../header-modifier/test-kit.ts';
import { findVendorPlugin } from '../index.ts';
import { parseIpRestrictionConfig } from './config.ts';
import { ipRestrictionPlugin } from './plugin.ts';

const withPlugin = (config: string, gatelab = ''): string => `${KONG_ORDERS}${gatelab}plugins:\n  - name: ip-restriction\n    config: ${config}\n`;

async function get(yaml: string, clientIp: string, headers: Array<[string, string]> = []) {
  const r = await createExplainSession(kongIr(yaml), 1).send(explainGet({ clientIp, headers }));
  const d = r.decisions.find((x) => x.plugin === 'ip-restriction');
  return { status: r.status, body: r.response.body, reason: d?.reason ?? '', decisions: r.decisions.map((x) => x.plugin) };
}

describe('Kong ip-restriction (handler.lua do_restrict)', () => {
  it('is the Kong name of the ip-restriction plugin, at PRIORITY 990 (§6)', () => {
    expect(findVendorPlugin('kong', 'ip-restriction')).toBe(ipRestrictionPlugin);
    expect(ipRestrictionPlugin.priority).toBe(990);
  });

  it('allow: a client in the list passes, any other gets 403 "IP address not allowed: <client>" (do_exit)', async () => {
    const yaml = withPlugin('{ allow: [203.0.113.0/24, "2001:db8::/32"] }');
    expect((await get(yaml, '203.0.113.9')).status).toBe(200);
    expect((await get(yaml, '2001:db8::7')).status).toBe(200);
    const no = await get(yaml, '198.51.100.4');
    expect(no.status).toBe(403);
    expect(no.body).toMatchObject({ message: 'IP address not allowed: 198.51.100.4' });
    expect(no.reason).toContain('client 198.51.100.4 (the TCP peer; real-ip did not replace it) is not in allow 203.0.113.0/24, 2001:db8::/32 → 403');
  });

  it('deny is checked first and wins when both lists match (do_restrict: deny, then allow)', async () => {
    const yaml = withPlugin('{ allow: [10.0.0.0/8], deny: [10.1.2.3] }');
    const r = await get(yaml, '10.1.2.3');
    expect(r.status).toBe(403);
    expect(r.reason).toContain('is in deny 10.1.2.3');
    expect((await get(yaml, '10.1.2.4')).status).toBe(200);
  });

  it('deny alone lets every other address in', async () => {
    const yaml = withPlugin('{ deny: [198.51.100.0/24] }');
    expect((await get(yaml, '198.51.100.200')).status).toBe(403);
    expect((await get(yaml, '203.0.113.1')).status).toBe(200);
  });

  it('status and message replace 403 and the default text (schema.lua status, message)', async () => {
    const r = await get(withPlugin('{ deny: [198.51.100.0/24], status: 451, message: "Go away" }'), '198.51.100.9');
    expect(r.status).toBe(451);
    expect(r.body).toMatchObject({ message: 'Go away' });
  });

  it('checks the address after real-ip (binary_remote_addr), not the TCP peer, once the peer is trusted (§6)', async () => {
    const yaml = withPlugin('{ allow: [203.0.113.0/24] }', '_gatelab: { trusted_ips: [10.0.0.0/8], real_ip_header: X-Forwarded-For }\n');
    const r = await get(yaml, '10.0.0.5', [['X-Forwarded-For', '203.0.113.40']]);
    expect(r.status).toBe(200);
    expect(r.reason).toContain('client 203.0.113.40 (real-ip took it from the forwarding header of peer 10.0.0.5) is in allow 203.0.113.0/24');
    // Not trusted: the header is never read, and the allow list sees the load balancer.
    const untrusted = await get(withPlugin('{ allow: [203.0.113.0/24] }'), '10.0.0.5', [['X-Forwarded-For', '203.0.113.40']]);
    expect(untrusted.status).toBe(403);
  });

  it('a mapped client (::ffff:a.b.c.d from a dual-stack listener) is compared as IPv4', async () => {
    expect((await get(withPlugin('{ allow: [127.0.0.0/8] }'), '::ffff:127.0.0.1')).status).toBe(200);
  });

  it('runs after key-auth (1250) and before rate-limiting (910), by priority (§6)', async () => {
    const yaml = `${withPlugin('{ allow: [203.0.113.0/24] }')}  - name: rate-limiting\n    config: { minute: 5, policy: local }\n`;
    const r = await get(yaml, '203.0.113.9');
    expect(r.decisions.indexOf('ip-restriction')).toBeLessThan(r.decisions.indexOf('rate-limit'));
  });
});

describe('Kong ip-restriction config (schema.lua)', () => {
  const parse = (raw: unknown) => {
    const r = collectingReporter();
    parseIpRestrictionConfig(raw, r);
    return r.items.map((i) => `${i.path}: ${i.message}`);
  };

  it('needs a non-empty allow or deny (entity_checks at_least_one_of)', () => {
    expect(parse({})).toEqual([expect.stringContaining("at least one of these fields must be non-empty: 'config.allow', 'config.deny'")]);
    expect(parse({ allow: [] })[0]).toContain('at least one of');
  });

  it('each entry must be an IP or a CIDR (typedefs.ip_or_cidr), reported at its index', () => {
    expect(parse({ allow: ['10.0.0.0/8', 'office.example.com'] })).toEqual([expect.stringMatching(/^allow\.1: allow\[1\]: "office\.example\.com" is not an IP address/)]);
    expect(parse({ deny: ['10.0.0.0/33'] })[0]).toContain('prefix length');
  });

  it('a mapped range is kept but warned: a mapped client is compared as IPv4, so it never matches', () => {
    expect(parse({ allow: ['::ffff:10.0.0.0/104'] })).toEqual(['allow.0: allow[0]: ::ffff:10.0.0.0/104 is an IPv4-mapped IPv6 range; gatelab compares a mapped client as IPv4, so this entry never matches. Write 10.0.0.0/8']);
  });

  it('whitelist/blacklist are gone since Kong 3.0', () => {
    expect(parse({ whitelist: ['10.0.0.1'] }).join('\n')).toContain('whitelist was renamed allow in Kong 2.1 and removed in 3.0');
  });

  it('a status kong.response.error cannot send is refused', () => {
    expect(parse({ allow: ['10.0.0.1'], status: 700 })[0]).toContain('status 700 cannot be the answer');
  });

  it('an error lands at file:line:column of the Kong file', () => {
    const yaml = withPlugin('{ allow: [10.0.0.0/8, nope] }');
    const loaded = loadGateway({ sources: [{ file: 'k.yaml', docs: parseYaml(yaml, 'k.yaml').docs }], overlays: [] });
    const lines = loaded.diagnostics.map(formatDiagnostic);
    expect(lines).toEqual([expect.stringMatching(/^k\.yaml:10:35: error GL_E_CONFIG_INVALID: ip-restriction: allow\[1\]: "nope" is not an IP address/)]);
  });
});
