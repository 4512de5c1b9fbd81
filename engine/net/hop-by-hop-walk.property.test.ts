/**
 * stripHopByHop's early return and kongHopByHop's single walk must answer exactly as the old
 * definitions did (a Connection lookup and a delete per name; three `get`s and a `has` per name),
 * for any header list: the same result object and, for stripHopByHop, the same lines left behind.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../pipeline/headers.ts';
import { HOP_BY_HOP_ALWAYS, kongHopByHop, parseConnectionTokens, stripHopByHop, type KongHopByHop } from './hop-by-hop.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] hop-by-hop walk seed=${seed} (replay: FC_SEED=${seed})`);

/** stripHopByHop before the early return. */
function referenceStrip(headers: HeaderMap): string[] {
  const removed: string[] = [];
  const drop = (name: string): void => {
    if (!removed.includes(name) && headers.delete(name)) removed.push(name);
  };
  for (const name of parseConnectionTokens(headers.getAll('Connection'))) drop(name);
  for (const name of HOP_BY_HOP_ALWAYS) drop(name);
  return removed;
}

const KONG_REPLACED = ['connection', 'upgrade', 'te', 'keep-alive', 'expect', 'transfer-encoding', 'proxy', 'proxy-connection'];
const CONNECTION_KEYWORDS = ['keep-alive', 'close', 'upgrade'];

/** kongHopByHop before the single walk. */
function referenceKong(incoming: HeaderMap): KongHopByHop {
  const upgradeHeader = incoming.get('Upgrade');
  const websocket = upgradeHeader !== undefined && upgradeHeader.toLowerCase() === 'websocket';
  const connectionLine = incoming.get('Connection');
  const listed =
    connectionLine === undefined || CONNECTION_KEYWORDS.includes(connectionLine.trim().toLowerCase())
      ? []
      : parseConnectionTokens([connectionLine]).filter((n) => !(n === 'upgrade' && websocket));
  const teLine = incoming.get('TE');
  const wantsTrailers = teLine !== undefined && parseConnectionTokens([teLine]).includes('trailers');
  const removed: string[] = [];
  for (const name of listed) if (incoming.has(name) && !removed.includes(name)) removed.push(name);
  for (const name of KONG_REPLACED) if (incoming.has(name) && !removed.includes(name)) removed.push(name);
  return { removed, connection: websocket ? 'keep-alive, Upgrade' : 'keep-alive', upgrade: websocket ? 'websocket' : undefined, te: wantsTrailers ? 'trailers' : undefined };
}

const name = fc.constantFrom(
  'Connection', 'connection', 'Upgrade', 'upgrade', 'TE', 'te', 'Keep-Alive', 'X-Foo', 'x-foo', 'Proxy', 'Host', 'Via', 'Trailer', 'Expect',
  'Transfer-Encoding', 'Proxy-Connection', 'Proxy-Authorization', 'Proxy-Authenticate', 'Accept', 'Content-Length', 'Date',
);
const value = fc.constantFrom('keep-alive', 'close', 'upgrade', 'Websocket', 'X-Foo, Trailer', 'x-foo,te', 'trailers', ' Trailers , x', 'a', '', 'Upgrade, X-Foo', 'keep-alive, upgrade');
const lines = fc.array(fc.tuple(name, value), { maxLength: 10 });

describe('hop-by-hop in one walk', () => {
  it('stripHopByHop removes the same lines and reports the same names as before', () => {
    fc.assert(
      fc.property(lines, (init) => {
        const ours = new HeaderMap(init);
        const reference = new HeaderMap(init);
        expect(stripHopByHop(ours)).toEqual(referenceStrip(reference));
        expect(ours.list()).toEqual(reference.list());
      }),
      { seed, numRuns: 3000 },
    );
  });

  it('kongHopByHop gives the same answer as before', () => {
    fc.assert(
      fc.property(lines, (init) => {
        const h = new HeaderMap(init);
        expect(kongHopByHop(h)).toEqual(referenceKong(h));
      }),
      { seed, numRuns: 3000 },
    );
  });

  it('pins: no hop-by-hop line at all, and a websocket upgrade', () => {
    expect(stripHopByHop(new HeaderMap([['Content-Length', '3'], ['Date', 'x']]))).toEqual([]);
    expect(kongHopByHop(new HeaderMap([['Host', 'a'], ['apikey', 'k']]))).toEqual({ removed: [], connection: 'keep-alive', upgrade: undefined, te: undefined });
    const ws = kongHopByHop(new HeaderMap([['Connection', 'Upgrade'], ['Upgrade', 'websocket'], ['TE', 'trailers']]));
    expect(ws).toEqual({ removed: ['connection', 'upgrade', 'te'], connection: 'keep-alive, Upgrade', upgrade: 'websocket', te: 'trailers' });
  });
});

/** parseConnectionTokens before its shortcut for a lone `keep-alive` or `close`. */
function referenceTokens(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const raw of value.split(',')) {
      const token = raw.trim().toLowerCase();
      if (token !== '' && !out.includes(token)) out.push(token);
    }
  }
  return out;
}

describe('parseConnectionTokens', () => {
  it('gives the tokens the split-trim-lower definition gave', () => {
    const line = fc.oneof(fc.constantFrom('keep-alive', 'close', 'Keep-Alive', ' close', 'keep-alive, x', 'upgrade', ''), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 3 }), (values) => {
        expect(parseConnectionTokens(values)).toEqual(referenceTokens(values));
      }),
      { seed, numRuns: 3000 },
    );
  });
});
