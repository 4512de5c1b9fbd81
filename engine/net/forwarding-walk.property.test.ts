/**
 * kongHopByHop asks `has` per candidate and kongUpstreamForwarding walks the headers by index; both
 * must answer as the old definitions did (a Set of names(), a walk over list()), for any header list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../pipeline/headers.ts';
import { kongHopByHop, parseConnectionTokens } from './hop-by-hop.ts';
import { kongUpstreamForwarding } from './forwarded-headers.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] forwarding walk seed=${seed} (replay: FC_SEED=${seed})`);

const KONG_REPLACED = ['connection', 'upgrade', 'te', 'keep-alive', 'expect', 'transfer-encoding', 'proxy', 'proxy-connection'];
const CONNECTION_KEYWORDS = ['keep-alive', 'close', 'upgrade'];

/** The removal list as the Set-of-names definition computed it. */
function referenceRemoved(incoming: HeaderMap): string[] {
  const upgrade = incoming.get('Upgrade');
  const websocket = upgrade !== undefined && upgrade.toLowerCase() === 'websocket';
  const line = incoming.get('Connection');
  const listed = line === undefined || CONNECTION_KEYWORDS.includes(line.trim().toLowerCase()) ? [] : parseConnectionTokens([line]).filter((n) => !(n === 'upgrade' && websocket));
  const present = new Set(incoming.names());
  const removed: string[] = [];
  for (const name of [...listed, ...KONG_REPLACED]) if (present.has(name) && !removed.includes(name)) removed.push(name);
  return removed;
}

const name = fc.constantFrom('Connection', 'connection', 'Upgrade', 'TE', 'Keep-Alive', 'X-Foo', 'x-foo', 'Proxy', 'Host', 'Via', 'X-Forwarded-For', 'Trailer', 'Expect', 'Transfer-Encoding', 'Proxy-Connection', 'Accept');
const value = fc.constantFrom('keep-alive', 'close', 'upgrade', 'websocket', 'X-Foo, Trailer', 'x-foo,te', 'trailers', 'a', '', 'Upgrade, X-Foo', '10.0.0.1');
const lines = fc.array(fc.tuple(name, value), { maxLength: 10 });
/** Lines appended, then some names set or deleted: `set` keeps a line's lower-case form while renaming it. */
const edits = fc.array(fc.tuple(fc.constantFrom('set', 'delete'), name, value), { maxLength: 4 });

function build(init: Array<[string, string]>, ops: Array<[string, string, string]>): HeaderMap {
  const h = new HeaderMap(init);
  for (const [op, n, v] of ops) if (op === 'set') h.set(n, v); else h.delete(n);
  return h;
}

describe('forwarding without Sets and pairs', () => {
  it('kongHopByHop removes the same headers as before', () => {
    fc.assert(fc.property(lines, edits, (init, ops) => {
      const h = build(init, ops);
      expect(kongHopByHop(h).removed).toEqual(referenceRemoved(h));
    }), { seed, numRuns: 2000 });
  });

  it('the index walk sees what list() sees, and kongUpstreamForwarding keeps the non-Kong lines in order', () => {
    fc.assert(fc.property(lines, edits, (init, ops) => {
      const h = build(init, ops);
      const walked: Array<[string, string]> = [];
      for (let i = 0; i < h.size; i++) {
        expect(h.lowerAt(i)).toBe(h.nameAt(i).toLowerCase());
        walked.push([h.nameAt(i), h.valueAt(i)]);
      }
      expect(walked).toEqual(h.list());
      const out = kongUpstreamForwarding({ incoming: h, peerIp: '10.0.0.9', scheme: 'http', host: 'api.local', port: 80, path: '/x', trustedPeer: false });
      const removed = referenceRemoved(h);
      const kongSet = new Set(['te', 'via', 'host', 'upgrade', 'connection', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-path', 'x-forwarded-prefix', 'x-real-ip']);
      const passed = h.list().filter(([n]) => !kongSet.has(n.toLowerCase()) && !removed.includes(n.toLowerCase()));
      expect(out.list().slice(out.size - passed.length)).toEqual(passed);
    }), { seed, numRuns: 1000 });
  });
});
