import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineBatcher } from './line-batcher.ts';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('LineBatcher', () => {
  it('writes the lines of one turn in one write, before the next turn', async () => {
    const writes: string[] = [];
    const batcher = new LineBatcher((t) => writes.push(t));
    batcher.line('a');
    batcher.line('b');
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual(['a\nb\n']);
    batcher.line('c');
    batcher.flush();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
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
