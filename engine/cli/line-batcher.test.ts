import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { LineBatcher, MAX_DELAY_MS } from './line-batcher.ts';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

describe('LineBatcher', () => {
  it('writes the lines of one window in one write, once the window is over', () => {
    vi.useFakeTimers();
    try {
      const writes: string[] = [];
      const batcher = new LineBatcher((t) => writes.push(t));
      batcher.line('a');
      vi.advanceTimersByTime(MAX_DELAY_MS - 1);
      batcher.line('b');
      expect(writes).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(writes).toEqual(['a\nb\n']);
      batcher.line('c');
      batcher.flush();
      expect(writes).toEqual(['a\nb\n', 'c\n']);
      // The window's timer still fires after an early flush; it finds nothing to write.
      vi.advanceTimersByTime(MAX_DELAY_MS);
      expect(writes).toEqual(['a\nb\n', 'c\n']);
      batcher.line('d');
      vi.advanceTimersByTime(MAX_DELAY_MS);
      expect(writes).toEqual(['a\nb\n', 'c\n', 'd\n']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes at once, without waiting for the window, when a batch would pass 4000 bytes', () => {
    vi.useFakeTimers();
    try {
      const writes: string[] = [];
      const batcher = new LineBatcher((t) => writes.push(t));
      batcher.line('x'.repeat(2500));
      batcher.line('y'.repeat(2500));
      expect(writes).toEqual([`${'x'.repeat(2500)}\n`]);
      vi.advanceTimersByTime(MAX_DELAY_MS);
      expect(writes).toEqual([`${'x'.repeat(2500)}\n`, `${'y'.repeat(2500)}\n`]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('loses, reorders and splits no line, and keeps every write under 4096 bytes', () => {
    console.log(`line-batcher property seed: ${seed}`);
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme-ascii', maxLength: 300 }).map((s) => s.replace(/\n/g, ' ')), { maxLength: 200 }), (lines) => {
        const writes: string[] = [];
        const batcher = new LineBatcher((t) => writes.push(t));
        for (const l of lines) batcher.line(l);
        batcher.flush();
        expect(writes.join('')).toBe(lines.map((l) => `${l}\n`).join(''));
        for (const w of writes) expect(w.endsWith('\n') && w.length <= 4096).toBe(true);
      }),
      { seed },
    );
  });
});
