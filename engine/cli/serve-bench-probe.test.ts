import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TraceEvent } from '../trace/events.ts';
import { benchIndex, StageRecorder } from './serve-bench-probe.ts';

const start = (req: string, url: string): TraceEvent => ({ type: 'request.start', t: 0, req, client: '127.0.0.1', replica: 'gw-0', method: 'GET', url, peerIp: '127.0.0.1' }) as TraceEvent;
const other = (type: string, req: string): TraceEvent => ({ type, t: 0, req }) as unknown as TraceEvent;

describe('benchIndex', () => {
  it('reads the number the paired bench client puts last in the URL', () => {
    expect(benchIndex('http://127.0.0.1:8000/bench?n=4711')).toBe(4711);
    expect(benchIndex('http://127.0.0.1:8000/bench')).toBeNaN();
    expect(benchIndex('http://127.0.0.1:8000/bench?x=1')).toBeNaN();
  });
});

describe('StageRecorder', () => {
  it('keeps start, first send, last answer and end per request, in start order', () => {
    const r = new StageRecorder();
    r.record(start('a', 'http://h/bench?n=0'), 10);
    r.record(start('b', 'http://h/bench?n=1'), 11);
    r.record(other('upstream.send', 'a'), 12);
    r.record(other('upstream.send', 'a'), 13); // a retry: the first send stays
    r.record(other('upstream.response', 'a'), 14);
    r.record(other('upstream.response', 'a'), 15); // the retry's answer is the one that counts
    r.record(other('plugin.decision', 'b'), 16); // not a stage
    r.record(other('request.end', 'b'), 17);
    r.record(other('request.end', 'a'), 18);
    r.record(other('request.end', 'a'), 19); // already closed: ignored
    expect(r.rows).toEqual([
      [10, 12, 15, 18, 0],
      [11, Number.NaN, Number.NaN, 17, 1],
    ]);
  });

  it('never keeps more rows than its limit, and every end lands on its own request (property)', () => {
    const seed = Date.now() % 2 ** 31;
    console.log(`StageRecorder property seed: ${seed}`);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 20 }), (count, limit) => {
        const r = new StageRecorder(limit);
        for (let i = 0; i < count; i++) r.record(start(`r${i}`, `http://h/?n=${i}`), i);
        for (let i = count - 1; i >= 0; i--) r.record(other('request.end', `r${i}`), 1000 + i);
        expect(r.rows.length).toBe(Math.min(count, limit));
        r.rows.forEach((row, i) => expect([row[0], row[3], row[4]]).toEqual([i, 1000 + i, i]));
      }),
      { seed },
    );
  });
});
