import { describe, expect, it } from 'vitest';
import { combineHashes, compactTraceHash, jsonlHash, traceHash, TraceHasher } from './hash.ts';
import type { TraceEvent } from './events.ts';
import { TraceCollector, toJsonl } from './sink.ts';

const events: TraceEvent[] = [
  { type: 'run.start', t: 0, scenario: 's', variant: 'base', seed: 1, start: '2026-01-01T00:00:00.000Z' },
  { type: 'run.end', t: 10, requests: 0 },
];

const decision = (reason: string, data: Record<string, unknown>): TraceEvent =>
  ({ type: 'plugin.decision', t: 1, req: 'app-1', plugin: 'rate-limiting', phase: 'access', verdict: 'next', reason, data }) as TraceEvent;

describe('the run\'s trace hash: the structural compact form (issue #9)', () => {
  it('is the structural compact hash, not the SHA-256 of the JSON lines', () => {
    expect(traceHash(events)).toBe(compactTraceHash(events, { mode: 'structural' }));
    expect(traceHash(events)).not.toBe(jsonlHash(events));
    const h = new TraceHasher();
    for (const e of events) h.add(e);
    expect(h.digest()).toBe(traceHash(events));
  });

  it('changes when any event changes', () => {
    const changed = [events[0]!, { type: 'run.end', t: 11, requests: 0 } as TraceEvent];
    expect(traceHash(changed)).not.toBe(traceHash(events));
    expect(traceHash([events[1]!, events[0]!])).not.toBe(traceHash(events));
  });

  it('leaves a decision\'s reason and data out, and pins everything else about it', () => {
    const a = decision('12 of 10 in this minute', { count: 12 });
    expect(traceHash([decision('other words', { count: 99 })])).toBe(traceHash([a]));
    expect(traceHash([{ ...a, verdict: 'reply', status: 429 } as TraceEvent])).not.toBe(traceHash([a]));
    expect(traceHash([{ ...a, t: 2 }])).not.toBe(traceHash([a]));
    // The JSON-lines hash pins them.
    expect(jsonlHash([decision('other words', { count: 12 })])).not.toBe(jsonlHash([a]));
  });

  it('depends on the JSON value only: a trace re-parsed from its JSON lines hashes the same', () => {
    const parsed = toJsonl(events).trim().split('\n').map((l) => JSON.parse(l) as TraceEvent);
    expect(traceHash(parsed)).toBe(traceHash(events));
  });
});

describe('the JSON-lines hash (trace files, golden pins, combineHashes)', () => {
  it('is the standard SHA-256 of the JSONL text', async () => {
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256').update(toJsonl(events)).digest('hex');
    expect(jsonlHash(events)).toBe(expected);
  });

  it('hashes large traces in chunks identically to one pass', async () => {
    const { createHash } = await import('node:crypto');
    const many: TraceEvent[] = Array.from({ length: 5000 }, (_, i) => ({ type: 'narration', t: i, text: `step ${i}` }));
    expect(jsonlHash(many)).toBe(createHash('sha256').update(toJsonl(many)).digest('hex'));
  });

  it('combines variant hashes order-sensitively, as SHA-256 of "name\\thash\\n" lines', async () => {
    const { createHash } = await import('node:crypto');
    expect(combineHashes([['a', '1'], ['b', '2']])).not.toBe(combineHashes([['b', '2'], ['a', '1']]));
    expect(combineHashes([['a', '1'], ['b', '2']])).toBe(createHash('sha256').update('a\t1\nb\t2\n').digest('hex'));
  });

  it('keeps events by level', () => {
    const summary = new TraceCollector('summary');
    expect(summary.wants('request.end')).toBe(true);
    expect(summary.wants('plugin.decision')).toBe(false);
    const full = new TraceCollector('full');
    expect(full.wants('effect.start')).toBe(true);
  });
});

describe('native and pure-JS SHA-256 agree (docs/adr/0001)', () => {
  it('gives @noble/hashes\' digest for non-ASCII text and lone surrogates', async () => {
    const { sha256 } = await import('@noble/hashes/sha2.js');
    const { bytesToHex } = await import('@noble/hashes/utils.js');
    const { createNobleByteHash } = await import('./sha256-backends.ts');
    const events: TraceEvent[] = [
      { type: 'narration', t: 0, text: 'café — 12:00:59 ✓ 🚦' },
      { type: 'narration', t: 1, text: 'lone \ud800 surrogate' },
    ];
    const js = bytesToHex(sha256(new TextEncoder().encode(toJsonl(events))));
    expect(jsonlHash(events)).toBe(js);
    const noble = new TraceHasher(createNobleByteHash());
    for (const e of events) noble.add(e);
    expect(noble.digest()).toBe(traceHash(events));
  });
});
