/**
 * Access-log lines written in batches: the lines of every request that finished within a short
 * window (MAX_DELAY_MS) go out in one write (one syscall) instead of one write each, which under
 * load was a tenth of the proxy's CPU. A batch stays under PIPE_BUF (4096 bytes) so that, with
 * --workers, one worker's write to a shared pipe is never interleaved with another's in the middle
 * of a line; a batch that would pass it is written at once.
 */
const MAX_BATCH_BYTES = 4000;
/**
 * How long a line may wait for others. Flushing at the end of each event-loop turn batched well
 * under load, but at 1k req/s one at a time a turn holds one or two lines: 0.4 writes per request
 * (strace), with their stream and Buffer work. A few milliseconds gathers ten lines at that rate.
 */
export const MAX_DELAY_MS = 10;

export class LineBatcher {
  private pending: string[] = [];
  private bytes = 0;
  private scheduled = false;
  /** One callback made per batcher, not one closure per scheduled flush. */
  private readonly flushLater = (): void => {
    this.scheduled = false;
    this.flush();
  };

  constructor(
    private readonly write: (text: string) => void,
    private readonly maxDelayMs = MAX_DELAY_MS,
  ) {}

  line(text: string): void {
    if (this.bytes + text.length + 1 > MAX_BATCH_BYTES) this.flush();
    this.pending.push(text);
    this.bytes += text.length + 1;
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(this.flushLater, this.maxDelayMs);
    }
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.bytes = 0;
    this.write(text);
  }
}
