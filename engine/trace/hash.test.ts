import { describe, expect, it } from 'vitest';
import { combineHashes, traceHash } from './hash.ts';
import type { TraceEvent } from './events.ts';
import { TraceCollector, toJsonl } from './sink.ts';

const events: TraceEvent[] = [
  { type: 'run.start', t: 0, scenario: 's', variant: 'base', seed: 1, start: '2026-01-01T00:00:00.000Z' },
  { type: 'run.end', t: 10, requests: 0 },
];

describe('trace hash', () => {
  it('is the standard SHA-256 of the JSONL text', async () => {
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256').update(toJsonl(events)).digest('hex');
    expect(traceHash(events)).toBe(expected);
  });

  it('changes when any event changes', () => {
    const changed = [events[0]!, { type: 'run.end', t: 11, requests: 0 } as TraceEvent];
    expect(traceHash(changed)).not.toBe(traceHash(events));
  });

  it('hashes large traces in chunks identically to one pass', async () => {
    const { createHash } = await import('node:crypto');
    const many: TraceEvent[] = Array.from({ length: 5000 }, (_, i) => ({ type: 'narration', t: i, text: `step ${i}` }));
    expect(traceHash(many)).toBe(createHash('sha256').update(toJsonl(many)).digest('hex'));
  });

  it('combines variant hashes order-sensitively', () => {
    expect(combineHashes([['a', '1'], ['b', '2']])).not.toBe(combineHashes([['b', '2'], ['a', '1']]));
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
    const events: TraceEvent[] = [
      { type: 'narration', t: 0, text: 'café — 12:00:59 ✓ 🚦' },
      { type: 'narration', t: 1, text: 'lone \ud800 surrogate' },
    ];
    const js = bytesToHex(sha256(new TextEncoder().encode(toJsonl(events))));
    expect(traceHash(events)).toBe(js);
  });
});
