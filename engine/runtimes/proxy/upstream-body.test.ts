// UpstreamBody against a scripted client response and a scripted undici: whatever the order of
// chunks, slow writes, drains, the end, an upstream failure and a client leaving, the client gets
// exactly the bytes that arrived, in order; undici is paused when a write is refused and resumed
// only after a drain; the response ends once on success and is destroyed on failure.
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UpstreamBody } from './upstream-body.ts';

const seed = Number(process.env['FC_SEED'] ?? 20_261_126);
console.log(`[fast-check] upstream-body seed=${seed} (replay: FC_SEED=${seed})`);

/** A ServerResponse as the body uses it: write (accepting or refusing), end, destroy, drain, close. */
class FakeResponse extends EventEmitter {
  written: Buffer[] = [];
  ends = 0;
  destroyed = false;
  writableFinished = false;
  /** What the next write() returns (the kernel buffer full or not). */
  accepting = true;
  needsDrain = false;

  write(chunk: Buffer): boolean {
    if (this.destroyed) return false;
    this.written.push(chunk);
    // As a socket: once a write is refused, every write is refused until 'drain'.
    if (!this.accepting) this.needsDrain = true;
    return !this.needsDrain;
  }

  end(): this {
    this.ends++;
    this.writableFinished = true;
    return this;
  }

  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      this.emit('close');
    }
    return this;
  }

  drain(): void {
    if (!this.needsDrain || this.destroyed) return;
    this.needsDrain = false;
    this.emit('drain');
  }
}

/** undici's side: delivers chunks unless paused; resume() is only legal while paused. */
class FakeUpstream {
  paused = false;
  aborted = 0;
  illegalResumes = 0;
  resume = (): void => {
    if (!this.paused) this.illegalResumes++;
    this.paused = false;
  };
  abort = (): void => {
    this.aborted++;
  };
}

type Op =
  | { op: 'chunk'; size: number }
  | { op: 'slow' }
  | { op: 'fast' }
  | { op: 'drain' }
  | { op: 'attach' }
  | { op: 'clientGone' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 40_000 }).map((size) => ({ op: 'chunk' as const, size })) },
  { weight: 1, arbitrary: fc.constant({ op: 'slow' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'fast' as const }) },
  { weight: 2, arbitrary: fc.constant({ op: 'drain' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'attach' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clientGone' as const }) },
);

describe('UpstreamBody', () => {
  it('delivers every byte in order with back-pressure, then ends (or is cut) exactly once', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.constantFrom('end', 'fail', 'none'), (ops, finish) => {
        const upstream = new FakeUpstream();
        const res = new FakeResponse();
        const body = new UpstreamBody(upstream.resume, upstream.abort);
        const sent: Buffer[] = [];
        let attached = false;
        let n = 0;
        for (const step of ops) {
          if (step.op === 'chunk') {
            // undici delivers nothing while paused, and nothing after an abort.
            if (upstream.paused || upstream.aborted) continue;
            const chunk = Buffer.alloc(step.size, n++ % 251);
            sent.push(chunk);
            const open = body.accept(chunk);
            // A refused write must stop undici until the drain: that is the back-pressure.
            if (attached && res.needsDrain) expect(open).toBe(false);
            if (!open) upstream.paused = true;
          } else if (step.op === 'slow') res.accepting = false;
          else if (step.op === 'fast') res.accepting = true;
          else if (step.op === 'drain') {
            res.accepting = true;
            res.drain();
          } else if (step.op === 'attach' && !attached) {
            attached = true;
            body.sendTo(res as unknown as ServerResponse);
          } else if (step.op === 'clientGone' && attached) res.destroy();
        }
        // Let the client drain until undici can deliver the rest, then finish.
        res.accepting = true;
        if (!attached) {
          attached = true;
          body.sendTo(res as unknown as ServerResponse);
        }
        res.drain();
        const clientGone = res.destroyed;
        if (!upstream.aborted) {
          if (finish === 'end') body.end();
          else if (finish === 'fail') body.fail(new Error('upstream reset'));
        }

        expect(upstream.illegalResumes).toBe(0);
        const got = Buffer.concat(res.written);
        const all = Buffer.concat(sent);
        if (!clientGone) {
          // Nothing lost, repeated or reordered while the client is there.
          expect(got.equals(all)).toBe(true);
          expect(upstream.paused).toBe(false);
        } else {
          // A client that left gets a prefix, and the upstream is dropped once more data comes.
          expect(all.subarray(0, got.length).equals(got)).toBe(true);
        }
        if (finish === 'end' && !upstream.aborted && !clientGone) expect(res.ends).toBe(1);
        if (finish === 'fail' && !upstream.aborted) expect(res.destroyed).toBe(true);
        if (finish !== 'end' || upstream.aborted || clientGone) expect(res.ends === 0 || res.ends === 1).toBe(true);
        if (finish === 'fail') expect(res.ends).toBe(0);
        if (!clientGone && finish !== 'none') expect(upstream.aborted).toBe(0);
      }),
      { seed, numRuns: 1500 },
    );
  });

  it('pauses undici when a write is refused and resumes it only on drain', () => {
    const upstream = new FakeUpstream();
    const res = new FakeResponse();
    const body = new UpstreamBody(upstream.resume, upstream.abort);
    body.sendTo(res as unknown as ServerResponse);
    res.accepting = false;
    expect(body.accept(Buffer.from('a'))).toBe(false);
    upstream.paused = true;
    expect(upstream.paused).toBe(true);
    res.accepting = true;
    res.drain();
    expect(upstream.paused).toBe(false);
    expect(upstream.illegalResumes).toBe(0);
  });

  it('holds chunks until attached, pausing undici past 64 KiB, and writes them in order on attach', () => {
    const upstream = new FakeUpstream();
    const body = new UpstreamBody(upstream.resume, upstream.abort);
    expect(body.accept(Buffer.alloc(40_000, 1))).toBe(true);
    expect(body.accept(Buffer.alloc(40_000, 2))).toBe(false);
    upstream.paused = true;
    const res = new FakeResponse();
    body.sendTo(res as unknown as ServerResponse);
    expect(res.written.map((b) => b[0])).toEqual([1, 2]);
    expect(upstream.paused).toBe(false);
  });

  it('an upstream failure before anyone reads destroys the client response when attached', () => {
    const upstream = new FakeUpstream();
    const body = new UpstreamBody(upstream.resume, upstream.abort);
    body.accept(Buffer.from('partial'));
    body.fail(new Error('reset'));
    const res = new FakeResponse();
    body.sendTo(res as unknown as ServerResponse);
    expect(res.destroyed).toBe(true);
    expect(res.ends).toBe(0);
  });

  it('collect() gives the whole body once, or the error', () => {
    const ok = new UpstreamBody(() => undefined, () => undefined);
    ok.accept(Buffer.from('ab'));
    const results: string[] = [];
    ok.collect((err, b) => results.push(err ? `error ${err.message}` : b.toString()));
    ok.accept(Buffer.from('cd'));
    ok.end();
    const broken = new UpstreamBody(() => undefined, () => undefined);
    broken.collect((err, b) => results.push(err ? `error ${err.message}` : b.toString()));
    broken.fail(new Error('reset'));
    expect(results).toEqual(['abcd', 'error reset']);
  });

  it('discard() reads a small body to its end and aborts a large one', () => {
    const small = new FakeUpstream();
    const a = new UpstreamBody(small.resume, small.abort);
    a.accept(Buffer.alloc(1000));
    a.discard();
    expect(a.accept(Buffer.alloc(1000))).toBe(true);
    a.end();
    expect(small.aborted).toBe(0);
    const large = new FakeUpstream();
    const b = new UpstreamBody(large.resume, large.abort);
    b.discard();
    b.accept(Buffer.alloc(100_000));
    expect(b.accept(Buffer.alloc(100_000))).toBe(false);
    expect(large.aborted).toBe(1);
  });
});
