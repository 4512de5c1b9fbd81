/**
 * The effect.end of an effect whose replica was OOM-killed: the sentences are remembered per replica
 * (a kill ends hundreds of effects at once), and each event reads as it did when built every time.
 */
import { describe, expect, it } from 'vitest';
import { TraceCollector } from '../../../trace/sink.ts';
import { RecordedEffect } from './recorded-effect.ts';

function killed(sink: TraceCollector, replica: string, how: 'ran' | 'waited' | 'io'): void {
  const effect = new RecordedEffect(sink, () => 0, 'r-1', 'rate-limit', () => undefined);
  if (how === 'io') return effect.ioKilled(5, replica);
  // Queued at 0 for 2 ms of work after 1 ms of wait (done at 3): killed at 2 it ran, at 0.5 it waited.
  effect.queuedOnCpu(0, 3, 2);
  effect.cpuKilled(how === 'ran' ? 2 : 0.5, replica);
}

describe('RecordedEffect killed with its replica', () => {
  it('says which replica and what the effect was doing, the same for every effect and replica', () => {
    const sink = new TraceCollector('full');
    // More replica names than the memo keeps, then the first ones again.
    const names = [...Array.from({ length: 70 }, (_, i) => `gw-${i}`), 'gw-0', 'gw-1'];
    for (const name of names) for (const how of ['ran', 'waited', 'io', 'ran'] as const) killed(sink, name, how);
    const details = sink.events.map((e) => (e.type === 'effect.end' ? e.detail : undefined));
    const expected = names.flatMap((n) => [
      `${n} was OOM-killed while this work ran on its CPU`,
      `${n} was OOM-killed while this work waited for its CPU`,
      `${n} was OOM-killed while this effect waited for its answer`,
      `${n} was OOM-killed while this work ran on its CPU`,
    ]);
    expect(details).toEqual(expected);
    expect(JSON.stringify(sink.events[0])).toBe('{"type":"effect.end","t":2,"req":"r-1","plugin":"rate-limit","ok":false,"detail":"gw-0 was OOM-killed while this work ran on its CPU","cpuWaitMs":1,"cpuMs":1,"oomKilled":true}');
  });
});
