import { describe, expect, it } from 'vitest';
import { tuneGcForServing } from './serve-gc.ts';

describe('tuneGcForServing', () => {
  it('turns V8 allocation-site pretenuring off by default', () => {
    const set: string[] = [];
    expect(tuneGcForServing(undefined, (f) => set.push(f))).toEqual(['--no-allocation-site-pretenuring']);
    expect(set).toEqual(['--no-allocation-site-pretenuring']);
  });

  it('keeps V8 default when GATELAB_SERVE_V8_PRETENURING=1 (for benchmark comparisons)', () => {
    const set: string[] = [];
    expect(tuneGcForServing('1', (f) => set.push(f))).toEqual([]);
    expect(set).toEqual([]);
  });
});
