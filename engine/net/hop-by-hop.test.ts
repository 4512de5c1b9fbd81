import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../pipeline/headers.ts';
import { HOP_BY_HOP_ALWAYS, kongHopByHop, parseConnectionTokens, stripHopByHop } from './hop-by-hop.ts';

describe('stripHopByHop (generic, RFC 9110 §7.6.1)', () => {
  it('§12 hop-by-hop: removes headers named in Connection, then Connection itself and the fixed set', () => {
    const h = new HeaderMap([
      ['Host', 'api.example'],
      ['Connection', 'keep-alive, X-Session-Hint'],
      ['Connection', 'x-debug'],
      ['X-Session-Hint', 'a'],
      ['X-Debug', '1'],
      ['Keep-Alive', 'timeout=5'],
      ['Proxy-Authorization', 'Basic Zm9vOmJhcg=='],
      ['TE', 'trailers'],
      ['Accept', '*/*'],
    ]);
    const removed = stripHopByHop(h);
    expect(removed).toEqual(['keep-alive', 'x-session-hint', 'x-debug', 'connection', 'te', 'proxy-authorization']);
    expect(h.list()).toEqual([
      ['Host', 'api.example'],
      ['Accept', '*/*'],
    ]);
  });

  it('§12 hop-by-hop: strips the fixed set even when Connection does not name it', () => {
    const h = new HeaderMap(HOP_BY_HOP_ALWAYS.map((n) => [n, 'x'] as [string, string]));
    h.append('X-Kept', 'yes');
    expect(stripHopByHop(h).sort()).toEqual([...HOP_BY_HOP_ALWAYS].sort());
    expect(h.names()).toEqual(['x-kept']);
  });

  it('returns nothing when nothing is hop-by-hop', () => {
    const h = new HeaderMap({ Accept: 'text/html' });
    expect(stripHopByHop(h)).toEqual([]);
    expect(h.get('accept')).toBe('text/html');
  });

  it('§12 hop-by-hop: parses Connection tokens case-insensitively, trimmed, without duplicates', () => {
    expect(parseConnectionTokens([' Keep-Alive ,X-A,,x-a', 'Upgrade'])).toEqual(['keep-alive', 'x-a', 'upgrade']);
  });
});

describe('kongHopByHop', () => {
  it('§12 Kong: clears Connection-listed headers, Proxy and Proxy-Connection, but forwards Proxy-Authorization and Trailer', () => {
    const h = new HeaderMap([
      ['Connection', 'X-Debug'],
      ['X-Debug', '1'],
      ['Proxy', 'http://evil.example'],
      ['Proxy-Connection', 'keep-alive'],
      ['Proxy-Authorization', 'Basic Zm9vOmJhcg=='],
      ['Trailer', 'Expires'],
      ['Expect', '100-continue'],
    ]);
    const k = kongHopByHop(h);
    expect(k.removed).toEqual(['x-debug', 'connection', 'expect', 'proxy', 'proxy-connection']);
    expect(k).toMatchObject({ connection: 'keep-alive', upgrade: undefined, te: undefined });
  });

  it('§12 Kong: a single keep-alive/close/upgrade Connection value is a keyword, not a header name', () => {
    const h = new HeaderMap({ Connection: 'close', Close: 'odd-but-kept' });
    expect(kongHopByHop(h).removed).toEqual(['connection']);
  });

  it('§12 Kong: a WebSocket upgrade keeps Upgrade and sends Connection "keep-alive, Upgrade"', () => {
    const h = new HeaderMap({ Connection: 'Upgrade, X-Debug', Upgrade: 'WebSocket', 'X-Debug': '1' });
    const k = kongHopByHop(h);
    expect(k).toMatchObject({ connection: 'keep-alive, Upgrade', upgrade: 'websocket' });
    expect(k.removed).toEqual(['x-debug', 'connection', 'upgrade']);
  });

  it('§12 Kong: TE passes as "trailers" only when the client listed trailers', () => {
    expect(kongHopByHop(new HeaderMap({ TE: 'gzip, trailers' })).te).toBe('trailers');
    expect(kongHopByHop(new HeaderMap({ TE: 'gzip' })).te).toBeUndefined();
  });
});
