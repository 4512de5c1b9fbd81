/**
 * `gatelab trace hash` reads a file in chunks: lines and UTF-8 characters cut by a chunk's end must
 * hash as if whole (the characters are in `req`: a decision's reason is not in the hash), and a bad
 * line is named by its number however many chunks came before it.
 */
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/events.ts';
import { traceHash } from '../trace/hash.ts';
import { toJsonl } from '../trace/sink.ts';
import { BadTraceLine, hashJsonlFile } from './trace-hash.ts';

const events = Array.from({ length: 40 }, (_, i) => ({
  type: 'plugin.decision', t: i / 3, req: `app-é🚦-${i}`, plugin: 'rate-limiting', phase: 'access',
  verdict: i % 5 === 0 ? 'reply' : 'next', reason: `12:00:0${i % 10}–12:00:59 🚦 é`, status: 429, data: { n: i },
})) as unknown as TraceEvent[];

function withFile<T>(text: string, body: (fd: number) => T): T {
  const file = join(mkdtempSync(join(tmpdir(), 'gatelab-trace-hash-')), 't.jsonl');
  writeFileSync(file, text);
  const fd = openSync(file, 'r');
  try {
    return body(fd);
  } finally {
    closeSync(fd);
  }
}

describe('hashJsonlFile', () => {
  it.each([1, 2, 3, 7, 64, 1 << 20])('gives the events\' trace hash read %i bytes at a time', (chunk) => {
    expect(withFile(toJsonl(events), (fd) => hashJsonlFile(fd, 't.jsonl', chunk))).toBe(traceHash(events));
  });

  it('needs no final newline, and skips blank lines', () => {
    const text = toJsonl(events).trimEnd().replace('\n', '\n\n');
    expect(withFile(text, (fd) => hashJsonlFile(fd, 't.jsonl', 5))).toBe(traceHash(events));
  });

  it('names the line of a bad event after many chunks', () => {
    const text = `${toJsonl(events)}{"type":"run.end","t":}\n`;
    const err = withFile(text, (fd) => {
      try {
        hashJsonlFile(fd, 't.jsonl', 16);
      } catch (e) {
        return e;
      }
      return undefined;
    });
    expect(err).toBeInstanceOf(BadTraceLine);
    expect((err as BadTraceLine).line).toBe(events.length + 1);
    expect((err as BadTraceLine).message).toMatch(/^t\.jsonl:41(:\d+)?: not JSON/);
  });
});
