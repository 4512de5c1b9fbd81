/**
 * An upstream answer's body as a Readable fed by an undici dispatch handler (upstream-client.ts):
 * what undici's `request()` builds for us, without its promise, async-resource scope and consume
 * helpers. Backpressure is undici's: `push` returning false pauses the socket, `_read` resumes it.
 */
import { Readable } from 'node:stream';

/** A discarded body is read to its end (so its connection is reused) only up to this size. */
const DISCARD_LIMIT_BYTES = 128 * 1024;

export class UpstreamBody extends Readable {
  private bytes = 0;
  private discarding = false;

  constructor(
    private readonly resumeUpstream: () => void,
    private readonly abortUpstream: (reason?: Error) => void,
  ) {
    super({ autoDestroy: true, highWaterMark: 64 * 1024 });
    // The body may break while a response plugin still waits on an effect, before anyone listens:
    // that must fail this response (response-writer.ts listens too), never crash the process.
    this.on('error', () => undefined);
  }

  /** A chunk from undici; false asks undici to stop reading the socket until `_read`. */
  accept(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    if (this.discarding && this.bytes > DISCARD_LIMIT_BYTES) {
      this.destroy();
      return false;
    }
    return this.push(chunk);
  }

  override _read(): void {
    this.resumeUpstream();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    // Destroyed before its end: the connection is mid-answer, so undici must drop it, not reuse it.
    if (err || !this.readableEnded) this.abortUpstream(err ?? new Error('the upstream body was not read to its end'));
    callback(err);
  }

  /** A retried answer's body: thrown away, read to its end when small so the connection is kept. */
  discard(): void {
    if (this.destroyed || this.readableEnded) return;
    this.discarding = true;
    if (this.bytes > DISCARD_LIMIT_BYTES) this.destroy();
    else this.resume();
  }
}
