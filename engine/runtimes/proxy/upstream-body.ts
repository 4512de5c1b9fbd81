/**
 * An upstream answer's body, fed by an undici dispatch handler (upstream-client.ts) and written
 * straight to the client's response: no Readable and no `pipe`, whose nextTick plumbing (emit
 * readable, flow, end) was ≈ 5 % of `gatelab serve`'s CPU. Back-pressure is kept by hand: a
 * `write()` that returns false pauses the upstream socket (onData → false) until the client drains.
 *
 * Until a consumer is attached (a response plugin may still wait on an effect) the chunks are held,
 * up to HOLD_BYTES before undici is asked to stop reading, as a Readable's highWaterMark did.
 */
import type { ServerResponse } from 'node:http';

/** A discarded body is read to its end (so its connection is reused) only up to this size. */
const DISCARD_LIMIT_BYTES = 128 * 1024;
/** Bytes held before a consumer is attached; then the upstream is paused. */
const HOLD_BYTES = 64 * 1024;
/**
 * A whole body up to this size, arriving as one chunk behind a head already set by `writeHead`, goes
 * out with the head as one Latin-1 string (`sendTo`'s `wholeLength`). Larger bodies stay Buffers:
 * copying them into a string would cost more than the write it saves.
 */
export const ONE_WRITE_MAX_BYTES = 4096;

type Collector = (err: Error | undefined, body: Buffer) => void;

export class UpstreamBody {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private bytes = 0;
  /** Who reads the body: nobody yet, the client's response, a collector, or nobody ever (discard). */
  private mode: 'hold' | 'client' | 'collect' | 'discard' = 'hold';
  private res?: ServerResponse;
  private collector?: Collector;
  /** Every byte arrived. */
  private complete = false;
  /** undici reported an error after the headers. */
  private failure?: Error;
  /** We gave up on it before its end and aborted the upstream. */
  private abandoned = false;
  /** accept() returned false, so undici's parser waits for `resumeUpstream`. */
  private paused = false;
  private waitingForDrain = false;
  private watchingClose = false;
  /**
   * The body's length when the response's head is already set (writeHead) and says Content-Length
   * of at most ONE_WRITE_MAX_BYTES; otherwise -1. A first chunk of exactly that length is the whole
   * body, and is ended with the head in one string (see `endWhole`).
   */
  private wholeLength = -1;
  /** The response was ended by `endWhole`: undici's end of the body then has nothing left to do. */
  private endedWhole = false;

  constructor(
    private readonly resumeUpstream: () => void,
    private readonly abortUpstream: (reason?: Error) => void,
  ) {}

  /**
   * Body bytes that arrived from the upstream. Once the client's response has finished, every one of
   * them was written to it (a body cut short destroys the response instead), so this is its
   * $body_bytes_sent: the body as sent, without chunk framing or the header.
   */
  get bytesReceived(): number {
    return this.bytes;
  }

  /** A chunk from undici; false asks undici to stop reading the socket until `resumeUpstream`. */
  accept(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    let open: boolean;
    switch (this.mode) {
      case 'client': {
        const res = this.res as ServerResponse;
        // More than the length the head declared (a plugin changed it): nobody may write past the end.
        if (res.destroyed || this.endedWhole) {
          this.abandon();
          return false;
        }
        if (this.bytes === this.wholeLength && chunk.length === this.bytes) {
          this.endWhole(res, chunk);
          return true;
        }
        open = res.write(chunk);
        if (!open) this.waitForDrain(res);
        break;
      }
      case 'collect':
        // The collector keeps everything (as reading the whole stream did), so undici reads on.
        this.held.push(chunk);
        return true;
      case 'discard':
        if (this.bytes <= DISCARD_LIMIT_BYTES) return true;
        this.abandon();
        return false;
      case 'hold':
        this.held.push(chunk);
        this.heldBytes += chunk.length;
        open = this.heldBytes < HOLD_BYTES;
        break;
    }
    if (!open) this.paused = true;
    return open;
  }

  /** undici read the body to its end. */
  end(): void {
    this.complete = true;
    if (this.mode === 'client') {
      const res = this.res as ServerResponse;
      if (!res.destroyed && !this.endedWhole) res.end();
    } else if (this.mode === 'collect') {
      this.deliver(this.collector as Collector);
    }
  }

  /** undici failed after the headers: the client's answer is cut (its connection closed). */
  fail(err: Error): void {
    if (this.complete || this.abandoned || this.failure) return;
    this.failure = err;
    this.held = [];
    if (this.mode === 'client') (this.res as ServerResponse).destroy();
    else if (this.mode === 'collect') (this.collector as Collector)(err, Buffer.alloc(0));
  }

  /**
   * Writes the body to the client's response (status and headers already set) and ends it. A
   * client gone mid-body aborts the upstream at its next chunk (or at once while paused for it); an
   * upstream that fails destroys the client's response, as piping a failed stream did.
   *
   * `wholeLength`: the Content-Length the head was written with by `writeHead`, when there was one
   * (else -1); a body that arrives whole in one chunk of that length is sent with the head in one write.
   */
  sendTo(res: ServerResponse, wholeLength = -1): void {
    this.claim('client');
    this.res = res;
    this.wholeLength = wholeLength >= 0 && wholeLength <= ONE_WRITE_MAX_BYTES && res.headersSent ? wholeLength : -1;
    if (this.failure || this.abandoned) {
      res.destroy();
      return;
    }
    if (res.destroyed) {
      // The client left while the pipeline worked: nobody reads the rest.
      this.abandon();
      return;
    }
    const held = this.takeHeld();
    if (this.complete && held.length === 1 && this.wholeLength === this.bytes && (held[0] as Buffer).length === this.bytes) {
      this.endWhole(res, held[0] as Buffer);
      return;
    }
    let open = true;
    for (const chunk of held) open = res.write(chunk) && open;
    if (this.complete) {
      res.end();
      return;
    }
    if (!open) this.waitForDrain(res);
    else this.resume();
  }

  /**
   * Ends the response with the whole body, read as Latin-1 (each byte one character, so the bytes
   * written are the bytes received). Node sends a string written before its head left together with
   * the head in one string (OutgoingMessage._send); a Buffer goes out as a second chunk of a writev,
   * with a `write` and an `end` each doing their own corking. Same bytes on the wire either way.
   */
  private endWhole(res: ServerResponse, chunk: Buffer): void {
    this.endedWhole = true;
    res.end(chunk.toString('latin1'), 'latin1');
  }

  /** Reads the whole body into one buffer (a response plugin reads it); `err` when it broke. */
  collect(done: Collector): void {
    this.claim('collect');
    this.collector = done;
    if (this.failure) return done(this.failure, Buffer.alloc(0));
    if (this.complete) return this.deliver(done);
    this.resume();
  }

  /** A retried answer's body: thrown away, read to its end when small so the connection is kept. */
  discard(): void {
    if (this.mode !== 'hold' || this.complete || this.failure || this.abandoned) return;
    this.mode = 'discard';
    this.takeHeld();
    if (this.bytes > DISCARD_LIMIT_BYTES) this.abandon();
    else this.resume();
  }

  private claim(mode: 'client' | 'collect'): void {
    if (this.mode !== 'hold') throw new Error(`an upstream body is read once (it is already in '${this.mode}' mode)`);
    this.mode = mode;
  }

  private deliver(done: Collector): void {
    const held = this.takeHeld();
    done(undefined, held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held));
  }

  private takeHeld(): Buffer[] {
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    return held;
  }

  /** Lets undici read on, when (and only when) it was asked to stop. */
  private resume(): void {
    if (!this.paused || this.complete || this.failure || this.abandoned) return;
    this.paused = false;
    this.resumeUpstream();
  }

  /** Given up before its end: the connection is mid-answer, so undici must drop it, not reuse it. */
  private abandon(): void {
    if (this.abandoned || this.complete || this.failure) return;
    this.abandoned = true;
    this.held = [];
    this.abortUpstream(new Error('the upstream body was not read to its end'));
  }

  /** The slow path (a client reading slower than the upstream sends): listeners only then. */
  private waitForDrain(res: ServerResponse): void {
    if (!this.waitingForDrain) {
      this.waitingForDrain = true;
      res.once('drain', () => {
        this.waitingForDrain = false;
        this.resume();
      });
    }
    if (this.watchingClose) return;
    this.watchingClose = true;
    // A client gone while the upstream is paused would otherwise hold the upstream until its timeout.
    res.once('close', () => {
      if (!res.writableFinished) this.abandon();
    });
  }
}
