// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelPieces } from './metric-labels.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`metric-labels property seed: ${seed} (set FC_SEED to replay)`);

describe('labelPieces (the Metrics table on a phone)', () => {
  it('cuts a label set between pairs, keeping each comma and never splitting a quoted value', () => {
    expect(labelPieces('service="payments",route="payments",code="503"')).toEqual(['service="payments",', 'route="payments",', 'code="503"']);
    expect(labelPieces('path="/a,b",code="200"')).toEqual(['path="/a,b",', 'code="200"']);
    expect(labelPieces('msg="say \\"hi\\", then go"')).toEqual(['msg="say \\"hi\\", then go"']);
    expect(labelPieces('')).toEqual([]);
    expect(labelPieces('not labels')).toEqual(['not labels']);
  });

  it('puts the pieces back together as the label set it was given (property)', () => {
    const value = fc.string({ maxLength: 12 }).map((s) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"'));
    const pair = fc.tuple(fc.constantFrom('service', 'route', 'code', 'le', '_x1'), value).map(([k, v]) => `${k}="${v}"`);
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), (pairs) => {
        const labels = pairs.join(',');
        const pieces = labelPieces(labels);
        expect(pieces.join('')).toBe(labels);
        expect(pieces).toHaveLength(pairs.length);
      }),
      { seed, numRuns: 300 },
    );
  });
});
