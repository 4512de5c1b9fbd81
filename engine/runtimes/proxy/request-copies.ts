/**
 * Copies nobody waits for (a RequestMirror's shadow) on real sockets: sent through the same undici
 * client as the main request, answers read to the end and thrown away, failures recorded in the
 * trace and never thrown. Bounded: past `DEFAULT_MAX_COPIES` copies in flight a new one is skipped,
 * and the skip is a decision in the trace (a gateway that cannot keep up drops shadows, not clients).
 */
import { PassThrough, type Readable } from 'node:stream';
import type { DetachedCall } from '../../pipeline/host.ts';
import { copyEnd } from '../../pipeline/request-copy.ts';
import type { TraceSink } from '../../trace/sink.ts';
import type { UpstreamClient } from './upstream-client.ts';

/** Copies in flight at once per proxy; one more is skipped. */
export const DEFAULT_MAX_COPIES = 64;

/** Request-body bytes held for a copy that reads slower than the main request; past it the copy is dropped. */
export const MAX_COPY_BODY_BACKLOG = 1024 * 1024;

export class CopySender {
  private inFlight = 0;

  constructor(
    private readonly upstream: UpstreamClient,
    private readonly sink: TraceSink,
    private readonly traceTime: () => number,
    private readonly maxInFlight = DEFAULT_MAX_COPIES,
  ) {}

  /** How many copies are on their way now (for tests and the admin view). */
  get pending(): number {
    return this.inFlight;
  }

  send(copy: DetachedCall): void {
    const { sink, traceTime } = this;
    const { requestId: req, plugin, call } = copy;
    const where = `${call.service.name} at ${call.target.host}:${call.target.port}`;
    if (this.inFlight >= this.maxInFlight) {
      if (sink.wants('plugin.decision')) {
        const reason = `${copy.purpose} copy to ${where} not sent: ${this.maxInFlight} copies already in flight (the proxy's cap)`;
        sink.emit({ type: 'plugin.decision', t: traceTime(), req, plugin, phase: 'access', verdict: 'next', reason, data: { mirrored: false, skipped: 'cap' } });
      }
      return;
    }
    try {
      shareBody(copy);
    } catch (e) {
      return this.ended(req, plugin, false, `not sent: ${String(e)}`);
    }
    this.inFlight++;
    const sentAt = traceTime();
    if (sink.wants('effect.start')) sink.emit({ type: 'effect.start', t: sentAt, req, plugin, effect: `${copy.purpose}: ${call.request.method} ${call.request.path} to ${where}` });
    try {
      this.upstream.call(call, (answer) => {
        this.inFlight--;
        if (sink.wants('copy.end')) sink.emit(copyEnd(copy, answer, traceTime(), traceTime() - sentAt));
        if (!answer.ok) return this.ended(req, plugin, false, `${answer.failure}: ${answer.message} (ignored)`);
        // Read to the end and dropped, so the connection goes back to the pool.
        answer.discard?.();
        this.ended(req, plugin, true, `${call.service.name} answered ${answer.status} (ignored)`);
      });
    } catch (e) {
      this.inFlight--;
      // Thrown before any answer: counted as a copy that could not connect.
      if (sink.wants('copy.end')) sink.emit(copyEnd(copy, { ok: false, failure: 'connect', message: String(e) }, traceTime(), traceTime() - sentAt));
      this.ended(req, plugin, false, String(e));
    }
  }

  private ended(req: string, plugin: string, ok: boolean, detail: string): void {
    if (this.sink.wants('effect.end')) this.sink.emit({ type: 'effect.end', t: this.traceTime(), req, plugin, ok, detail });
  }
}

/**
 * A streamed request body read once, by two: the main request gets every byte at the client's pace;
 * the copy gets the same bytes while it keeps up, and is cut off (its request fails) once it lags
 * MAX_COPY_BODY_BACKLOG behind — it never slows the main request down.
 */
function shareBody(copy: DetachedCall): void {
  const source = copy.main.stream as Readable | undefined;
  if (!source) return;
  const forMain = new PassThrough();
  const forCopy = new PassThrough();
  let copyCut = false;
  const cut = (why: Error): void => {
    if (copyCut) return;
    copyCut = true;
    forCopy.destroy(why);
  };
  source.on('data', (chunk: Buffer) => {
    if (copyCut) return;
    if (forCopy.writableLength > MAX_COPY_BODY_BACKLOG) cut(new Error('the mirror read the body too slowly; copy dropped'));
    else forCopy.write(chunk);
  });
  source.on('end', () => {
    if (!copyCut) forCopy.end();
  });
  source.on('error', (e: Error) => {
    forMain.destroy(e);
    cut(e);
  });
  forCopy.on('error', () => undefined); // its failure reaches the copy's request, and nowhere else
  source.pipe(forMain);
  copy.main.stream = forMain;
  copy.call.request.stream = forCopy;
}
