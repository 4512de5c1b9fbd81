import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { closeSync, openSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FILE_BATCH_BYTES, LineBatcher, MAX_DELAY_MS, stdoutSink, writesSynchronously, type BatchSink } from './line-batcher.ts';

/** A sink that decodes each batch as it is written: the bytes are the batcher's buffer, reused after the call. */
function into(writes: string[]): BatchSink {
  return (bytes) => void writes.push(Buffer.from(bytes).toString('utf8'));
}

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

describe('LineBatcher', () => {
  it('writes the lines of one window in one write, once the window is over', () => {
    vi.useFakeTimers();
    try {
      const writes: string[] = [];
      const batcher = new LineBatcher(into(writes));
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
      const batcher = new LineBatcher(into(writes));
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
        const batcher = new LineBatcher(into(writes));
        for (const l of lines) batcher.line(l);
        batcher.flush();
        expect(writes.join('')).toBe(lines.map((l) => `${l}\n`).join(''));
        for (const w of writes) expect(w.endsWith('\n') && Buffer.byteLength(w) <= 4096).toBe(true);
      }),
      { seed },
    );
  });

  it('keeps every write under 4096 bytes for non-ASCII lines too, and writes the bytes Buffer.from would (lone surrogates included)', () => {
    // Before, the batch limit counted UTF-16 units: 4000 units of two- or three-byte text passed PIPE_BUF.
    const unit = fc.oneof(
      fc.constantFrom('a', 'é', '–', '\u2028', '😀', '\ud800', '\udfff', '"', '\\'),
      fc.string({ unit: 'binary', maxLength: 3 }).map((s) => s.replace(/\n/g, ' ')),
    );
    fc.assert(
      fc.property(fc.array(fc.array(unit, { maxLength: 1600 }).map((us) => us.join('')), { maxLength: 40 }), (lines) => {
        const writes: Buffer[] = [];
        const batcher = new LineBatcher((b) => void writes.push(Buffer.from(b)));
        for (const l of lines) batcher.line(l);
        batcher.flush();
        expect(Buffer.concat(writes).equals(Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8'))).toBe(true);
        for (const w of writes) {
          expect(w[w.length - 1]).toBe(0x0a);
          // A write is a batch under the limit, or one line longer than a batch on its own.
          const linesIn = w.toString('utf8').split('\n').length - 1;
          expect(w.length <= 4000 || linesIn === 1).toBe(true);
        }
      }),
      { seed, numRuns: 200 },
    );
  });

  it('writes a line longer than a batch alone and whole, after the lines before it', () => {
    const writes: string[] = [];
    const batcher = new LineBatcher(into(writes));
    batcher.line('a');
    batcher.line('é'.repeat(2500));
    batcher.line('b');
    batcher.flush();
    expect(writes).toEqual(['a\n', `${'é'.repeat(2500)}\n`, 'b\n']);
  });
});

describe('stdoutSink', () => {
  it('writes straight to a file descriptor that is a file, the bytes the batcher gave, whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-line-batcher-'));
    const path = join(dir, 'access.log');
    const fd = openSync(path, 'w');
    try {
      expect(writesSynchronously(fd)).toBe(true);
      const sink = stdoutSink(fd);
      expect(sink.batchBytes).toBe(FILE_BATCH_BYTES);
      const batcher = new LineBatcher(sink.write, MAX_DELAY_MS, sink.batchBytes);
      const lines = ['127.0.0.1 - - "GET / HTTP/1.1" 200', 'ua "\\xE9"', 'é – 😀 \ud800', 'x'.repeat(5000)];
      for (const l of lines) batcher.line(l);
      batcher.flush();
      expect(readFileSync(path)).toEqual(Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8'));
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('treats /dev/null (a character device that is no terminal) like a file, and an fd it cannot stat like a pipe', () => {
    const fd = openSync('/dev/null', 'w');
    try {
      expect(writesSynchronously(fd)).toBe(true);
    } finally {
      closeSync(fd);
    }
    expect(writesSynchronously(-1)).toBe(false);
  });

  it('with a larger limit, batches up to it and no further', () => {
    const writes: string[] = [];
    const batcher = new LineBatcher(into(writes), MAX_DELAY_MS, 10_000);
    for (let i = 0; i < 10; i++) batcher.line('z'.repeat(1999));
    batcher.flush();
    expect(writes.map((w) => w.length)).toEqual([10_000, 10_000]);
  });
});
