/**
 * Access-log lines written in batches: the lines of every request that finished within a short
 * window (MAX_DELAY_MS) go out in one write (one syscall) instead of one write each, which under
 * load was a tenth of the proxy's CPU. A batch for a pipe stays under PIPE_BUF (4096 bytes) so that,
 * with --workers, one worker's write to a shared pipe is never interleaved with another's in the
 * middle of a line; a batch that would pass its limit is written at once.
 *
 * Lines are encoded as UTF-8 into one buffer the batcher keeps, as they come: a batch used to be an
 * array of strings joined into one string per write, which the stream then encoded into a new Buffer
 * (a 4 KB string and a 4 KB Buffer per batch, and the Writable's bookkeeping per write). The limit
 * is now counted in bytes, so a batch of non-ASCII lines also stays under PIPE_BUF.
 */
import { fstatSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';

/** A batch's limit for a pipe (PIPE_BUF, above). */
export const PIPE_BATCH_BYTES = 4000;
/**
 * A batch's limit for a file: Linux serialises write() calls on one open file (the position lock),
 * so workers sharing it never interleave a line whatever the size; larger batches just mean fewer
 * syscalls (at 15k lines a second, 4 KB batches were ≈ 550 writes a second).
 */
export const FILE_BATCH_BYTES = 32_768;
/**
 * How long a line may wait for others. Flushing at the end of each event-loop turn batched well
 * under load, but at 1k req/s one at a time a turn holds one or two lines: 0.4 writes per request
 * (strace), with their stream and Buffer work. A few milliseconds gathers ten lines at that rate.
 */
export const MAX_DELAY_MS = 10;

/** UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair, two units, is 4 bytes). */
const MAX_UTF8_PER_UNIT = 3;

/**
 * Where a batch goes: its bytes, a view of the batcher's own buffer that is valid during the call
 * only (the batcher writes the next lines over it), so a sink that keeps them must copy them.
 */
export type BatchSink = (bytes: Uint8Array) => void;

export class LineBatcher {
  private readonly buffer: Buffer;
  private bytes = 0;
  private scheduled = false;
  /** One callback made per batcher, not one closure per scheduled flush. */
  private readonly flushLater = (): void => {
    this.scheduled = false;
    this.flush();
  };

  constructor(
    private readonly write: BatchSink,
    private readonly maxDelayMs = MAX_DELAY_MS,
    private readonly maxBytes = PIPE_BATCH_BYTES,
  ) {
    this.buffer = Buffer.allocUnsafe(maxBytes);
  }

  line(text: string): void {
    // Room for the worst case is checked on the string's length, without encoding it; the exact
    // byte length is needed only near the end of a batch (or for a line of more than ≈ 1,300 units).
    if (this.bytes + text.length * MAX_UTF8_PER_UNIT + 1 > this.maxBytes) {
      const size = Buffer.byteLength(text, 'utf8') + 1;
      if (this.bytes + size > this.maxBytes) this.flush();
      if (size > this.maxBytes) {
        // A line longer than a batch goes out alone, whole, as it did before; nothing is pending now.
        this.write(Buffer.from(`${text}\n`, 'utf8'));
        return;
      }
    }
    this.bytes += this.buffer.write(text, this.bytes);
    this.buffer[this.bytes++] = 0x0a;
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(this.flushLater, this.maxDelayMs);
    }
  }

  flush(): void {
    if (this.bytes === 0) return;
    const n = this.bytes;
    this.bytes = 0;
    this.write(this.buffer.subarray(0, n));
  }
}

/**
 * The sink for process.stdout, and the batch size that suits it. When stdout is a file or a character
 * device that is not a terminal (`> access.log`, /dev/null), Node's stdout is a SyncWriteStream whose
 * write is one `writeSync` of the bytes: done here on the fd, with no Buffer copy and no stream
 * bookkeeping per batch, in batches of FILE_BATCH_BYTES. A pipe, socket or terminal (a container's
 * log, `| tee`, journald) keeps process.stdout, which may queue a write, so it is handed a copy of
 * the bytes, in batches under PIPE_BUF. Either way the bytes written are the same.
 */
export function stdoutSink(fd = 1): { write: BatchSink; batchBytes: number } {
  if (!writesSynchronously(fd)) return { write: (bytes) => void process.stdout.write(Buffer.from(bytes)), batchBytes: PIPE_BATCH_BYTES };
  return {
    write: (bytes) => {
      // A file takes the whole write; the loop only guards against a short count.
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    },
    batchBytes: FILE_BATCH_BYTES,
  };
}

/** The fds for which Node makes stdout a SyncWriteStream (libuv's guess: a file, or a character device that is no TTY). */
export function writesSynchronously(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFile() || (st.isCharacterDevice() && !isatty(fd));
  } catch {
    return false;
  }
}
