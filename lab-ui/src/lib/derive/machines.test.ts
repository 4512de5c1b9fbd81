// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { buildMachineTimelines, fitRowLabel, machineTimelines, ROW_TITLE_CHAR_PX, rowTitle, segmentAt, segmentsIn, shortSubject, stateAt, stateColors } from './machines.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

type Move = Omit<Extract<TraceEvent, { type: 'breaker.transition' }>, 'type' | 'replica'> & { replica?: string };
const move = (m: Move): TraceEvent => ({ type: 'breaker.transition', replica: 'gw-0', ...m });
const CB = 'circuit-breaker';
const cb = (t: number, from: string, to: string, reason: string, at?: number): TraceEvent =>
  move({ t, machine: CB, subject: 'a9598cba-a929-4d20-8619-c663daab024b', from, to, reason, ...(at !== undefined ? { at } : {}) });

/** The circuit-breaker-states story: open, half-open, open again, half-open, closed. */
const breakerTrace: TraceEvent[] = [
  cb(20_820, 'CLOSED', 'OPEN', '5 of 10 calls failed'),
  cb(31_000, 'OPEN', 'HALF_OPEN', 'the wait in OPEN ended'),
  cb(31_420, 'HALF_OPEN', 'OPEN', '3 of 3 trial calls failed'),
  cb(41_600, 'OPEN', 'HALF_OPEN', 'the wait in OPEN ended'),
  cb(52_620, 'HALF_OPEN', 'CLOSED', '0 of 3 trial calls failed'),
];

describe('buildMachineTimelines', () => {
  it('turns moves into segments [from, to), starting in the first move’s from-state', () => {
    const [tl, ...rest] = buildMachineTimelines(breakerTrace);
    expect(rest).toEqual([]);
    expect(tl?.machine).toBe(CB);
    expect(tl?.replica).toBe('gw-0');
    expect(tl?.segments.map((s) => [s.state, s.from, s.to])).toEqual([
      ['CLOSED', 0, 20_820],
      ['OPEN', 20_820, 31_000],
      ['HALF_OPEN', 31_000, 31_420],
      ['OPEN', 31_420, 41_600],
      ['HALF_OPEN', 41_600, 52_620],
      ['CLOSED', 52_620, Infinity],
    ]);
    expect(tl?.segments[0]?.reason).toBeNull();
    expect(tl?.segments[1]).toMatchObject({ reason: '5 of 10 calls failed', noticedT: null, event: 0 });
    expect(tl?.states).toEqual(['CLOSED', 'OPEN', 'HALF_OPEN']);
  });

  it('uses `at` when a move took effect before it was noticed, and never runs the chain backwards', () => {
    const [tl] = buildMachineTimelines([
      cb(1000, 'CLOSED', 'OPEN', 'tripped'),
      cb(5000, 'OPEN', 'HALF_OPEN', 'the wait ended at 4000', 4000),
      // An `at` before the previous move is clamped to it: the order of the trace wins.
      cb(6000, 'HALF_OPEN', 'OPEN', 'a trial failed', 3000),
    ]);
    expect(tl?.segments.map((s) => [s.state, s.from, s.to, s.noticedT])).toEqual([
      ['CLOSED', 0, 1000, null],
      ['OPEN', 1000, 4000, null],
      ['HALF_OPEN', 4000, 4000, 5000],
      ['OPEN', 4000, Infinity, 6000],
    ]);
    // A zero-length segment is never "the state at t": the later move is.
    expect(segmentAt(tl!, 4000).state).toBe('OPEN');
    expect(segmentAt(tl!, 3999).state).toBe('OPEN');
    // Before the trace writes a late move, the cursor sees the state it replaced; after, the move
    // is drawn where it took effect.
    expect(segmentAt(tl!, 4500).state).toBe('OPEN');
    expect(segmentAt(tl!, 5000).state).toBe('HALF_OPEN');
    expect(segmentAt(tl!, 5999).state).toBe('HALF_OPEN');
    expect(segmentAt(tl!, 6000).event).toBe(2);
    const drawn = (known: number): unknown[] => segmentsIn(tl!, 0, known, known).map((s) => [s.state, s.from, s.to]);
    expect(drawn(4500)).toEqual([['CLOSED', 0, 1000], ['OPEN', 1000, Infinity]]);
    expect(drawn(5500)).toEqual([['CLOSED', 0, 1000], ['OPEN', 1000, 4000], ['HALF_OPEN', 4000, Infinity]]);
    expect(drawn(6000)).toEqual([['CLOSED', 0, 1000], ['OPEN', 1000, 4000], ['HALF_OPEN', 4000, 4000], ['OPEN', 4000, Infinity]]);
  });

  it('keeps one timeline per (machine, subject, replica), grouped by machine, for any machine and states', () => {
    const tls = buildMachineTimelines([
      move({ t: 10, machine: 'outlier-detection', subject: '10.0.0.2:8080 (payments)', from: 'healthy', to: 'ejected', reason: '5 consecutive 5xx' }),
      cb(20, 'CLOSED', 'OPEN', 'x'),
      move({ t: 25, machine: 'warp-drive', subject: 'engine', from: 'idle', to: 'engaged', reason: 'made it so' }),
      move({ t: 30, machine: 'outlier-detection', subject: '10.0.0.3:8080 (payments)', from: 'healthy', to: 'ejected', reason: 'y' }),
      { ...cb(40, 'CLOSED', 'OPEN', 'x'), replica: 'gw-1' } as TraceEvent,
      move({ t: 50, machine: 'outlier-detection', subject: '10.0.0.2:8080 (payments)', from: 'ejected', to: 'healthy', reason: 'ejection time over' }),
    ]);
    expect(tls.map((t) => `${t.machine}|${t.subject}|${t.replica}|${t.segments.length}`)).toEqual([
      'outlier-detection|10.0.0.2:8080 (payments)|gw-0|3',
      'outlier-detection|10.0.0.3:8080 (payments)|gw-0|2',
      'circuit-breaker|a9598cba-a929-4d20-8619-c663daab024b|gw-0|2',
      'circuit-breaker|a9598cba-a929-4d20-8619-c663daab024b|gw-1|2',
      'warp-drive|engine|gw-0|2',
    ]);
    expect(new Set(tls.map((t) => t.key)).size).toBe(5);
    expect(stateAt(tls, 26).map((n) => n.segment.state)).toEqual(['ejected', 'healthy', 'OPEN', 'CLOSED', 'engaged']);
  });

  it('a trace without moves has no timelines; the index caches them per run', () => {
    expect(buildMachineTimelines(syntheticTrace([{ id: 'a', at: 1 }]))).toEqual([]);
    const index = buildTraceIndex([...syntheticTrace([{ id: 'a', at: 1 }]).slice(0, -1), ...breakerTrace]);
    expect(machineTimelines(index)).toHaveLength(1);
    expect(machineTimelines(index)).toBe(machineTimelines(index));
  });
});

describe('stateAt and segmentsIn', () => {
  const tls = buildMachineTimelines(breakerTrace);
  it('answers the state in effect at the cursor: 12:00:25 OPEN, 12:00:58 CLOSED', () => {
    expect(stateAt(tls, 0)[0]?.segment.state).toBe('CLOSED');
    expect(stateAt(tls, 20_819)[0]?.segment.state).toBe('CLOSED');
    expect(stateAt(tls, 20_820)[0]?.segment.state).toBe('OPEN');
    expect(stateAt(tls, 25_000)[0]?.segment).toMatchObject({ state: 'OPEN', reason: '5 of 10 calls failed' });
    expect(stateAt(tls, 31_200)[0]?.segment.state).toBe('HALF_OPEN');
    expect(stateAt(tls, 58_000)[0]?.segment.state).toBe('CLOSED');
    expect(stateAt(tls, 1e9)[0]?.segment.state).toBe('CLOSED');
    expect(stateAt(tls, -5)[0]?.segment.state).toBe('CLOSED');
  });

  it('lists the segments that overlap a range', () => {
    const tl = tls[0]!;
    expect(segmentsIn(tl, 30_000, 35_000).map((s) => s.state)).toEqual(['OPEN', 'HALF_OPEN', 'OPEN']);
    expect(segmentsIn(tl, 60_000, 70_000).map((s) => s.state)).toEqual(['CLOSED']);
    expect(segmentsIn(tl, 0, 1e9)).toHaveLength(6);
  });
});

describe('labels and colours', () => {
  it('names an instance by where it is attached, shortens a bare instance id, and keeps hosts', () => {
    expect(shortSubject('a9598cba-a929-4d20-8619-c663daab024b')).toBe('a9598cba');
    expect(shortSubject('a9598cba-a929-4d20-8619-c663daab024b (router r1)')).toBe('router r1');
    expect(shortSubject('a9598cba-a929-4d20-8619-c663daab024b (service payments)')).toBe('service payments');
    expect(shortSubject('10.0.0.2:8080')).toBe('10.0.0.2:8080');
  });

  it('colours states that mean the same alike across machines, and any other state distinctly', () => {
    const colors = stateColors(buildMachineTimelines([
      ...breakerTrace,
      move({ t: 5, machine: 'outlier-detection', subject: 'h', from: 'healthy', to: 'ejected', reason: 'r' }),
      move({ t: 6, machine: 'x', subject: 's', from: 'alpha', to: 'beta', reason: 'r' }),
    ]));
    expect(colors.get('CLOSED')).toBe(colors.get('healthy'));
    expect(colors.get('OPEN')).toBe(colors.get('ejected'));
    expect(colors.get('HALF_OPEN')).not.toBe(colors.get('OPEN'));
    expect(colors.get('alpha')).toBeDefined();
    expect(colors.get('alpha')).not.toBe(colors.get('beta'));
  });
});

describe('fitRowLabel', () => {
  const label = 'canary-rollout · catalog-stable → catalog-canary';
  const tail = ' — now rolledBack, canary weight 0 %';

  it('keeps a label that fits as it is', () => {
    expect(fitRowLabel(label, tail, 200)).toBe(label);
  });

  it('shortens it in the middle so the state after it still shows (canary-ramp on a phone)', () => {
    // About 300 px of row at 6.6 px a character: the title used to run on and lose "rolledBack".
    const fitted = fitRowLabel(label, tail, 300 / ROW_TITLE_CHAR_PX);
    expect((fitted + tail).length).toBeLessThanOrEqual(Math.floor(300 / ROW_TITLE_CHAR_PX));
    expect(fitted).toBe('cana…nary');
  });

  it('never goes past the room it has', () => {
    for (let max = 0; max < 100; max++) {
      const fitted = fitRowLabel(label, tail, max);
      expect(fitted.length === 1 || (fitted + tail).length <= max, `${max}`).toBe(true);
    }
  });
});

describe('rowTitle', () => {
  const label = 'canary-rollout · catalog-stable → catalog-canary';

  it('says "canary weight" where there is room', () => {
    expect(rowTitle(label, 'progressing', '25 %', 120)).toEqual({ label, weightWords: 'canary weight' });
    expect(rowTitle('circuit-breaker · a9598cba', 'open', null, 30)).toMatchObject({ weightWords: 'canary weight' });
  });

  it('drops "canary" before it leaves the label a few letters (canary-ramp on a phone read "ca…ry")', () => {
    const t = rowTitle(label, 'rolledBack', '0 %', 40);
    expect(t.weightWords).toBe('weight');
    expect(t.label.length).toBeGreaterThan(4);
    expect(`${t.label} — now rolledBack, weight 0 %`.length).toBeLessThanOrEqual(40);
  });
});
