/**
 * A lean HTTP/1.1 client on `net.Socket`, for the bench only: how much of a bare Node proxy's CPU is
 * undici's own machinery? One keep-alive pool per origin, the request head written as one latin1
 * string, a small response parser (status line, headers, Content-Length / chunked / close-delimited
 * bodies, no-body statuses, HEAD). Timeouts are checked by one coarse interval over busy connections,
 * as undici's fast timers do, so the comparison does not favour it by skipping them.
 */
import { connect, type Socket } from 'node:net';

export interface LeanHandler {
  /** Status and flat [name, value, …] header lines (names as sent). */
  onHeaders(status: number, headers: string[]): void;
  onData(chunk: Buffer): void;
  onComplete(): void;
  onError(err: Error, wrote: boolean): void;
}

const enum Framing {
  None,
  Length,
  Chunked,
  Close,
}

const CRLF2 = Buffer.from('\r\n\r\n');
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

class Conn {
  readonly socket: Socket;
  handler: LeanHandler | undefined;
  private head: Buffer | undefined;
  private framing = Framing.None;
  private remaining = 0;
  /** Chunked: 0 size line, 1 data, 2 CRLF after data, 3 trailers. */
  private chunkState = 0;
  private partial = '';
  private keepAlive = true;
  private isHead = false;
  deadline = 0;
  wrote = false;

  constructor(
    private readonly pool: LeanPool,
    host: string,
    port: number,
  ) {
    if (pool.onread) {
      // `onread`: bytes land in one reused buffer and reach us without the Readable machinery (push,
      // 'data' emit); what outlives the callback (a partial head, body chunks) is copied.
      this.socket = connect({ host, port, noDelay: true, onread: { buffer: READ_BUFFER, callback: (n: number, b: Buffer) => this.onBytes(b.subarray(0, n), true) } });
    } else {
      this.socket = connect({ host, port, noDelay: true });
      this.socket.on('data', (b: Buffer) => this.onBytes(b, false));
    }
    this.socket.on('error', (e) => this.fail(e));
    this.socket.on('close', () => this.onClose());
  }

  send(head: string, isHead: boolean, handler: LeanHandler): void {
    this.handler = handler;
    this.isHead = isHead;
    this.head = undefined;
    this.framing = Framing.None;
    this.deadline = Date.now() + 30_000;
    this.wrote = true;
    this.socket.write(head, 'latin1');
  }

  private shared = false;

  private onBytes(buf: Buffer, shared: boolean): boolean {
    this.shared = shared;
    this.read(buf);
    return true;
  }

  private read(buf: Buffer): void {
    if (!this.handler) {
      this.socket.destroy();
      return;
    }
    if (this.framing === Framing.None) {
      const all = this.head ? Buffer.concat([this.head, buf]) : buf;
      const end = all.indexOf(CRLF2);
      if (end < 0) {
        if (all.length > 16 * 1024) return this.fail(new Error('response head too large'));
        this.head = this.shared && all === buf ? Buffer.from(all) : all;
        return;
      }
      this.head = undefined;
      if (!this.parseHead(all.toString('latin1', 0, end))) return;
      buf = all.subarray(end + 4);
      if (this.framing === Framing.None) return this.complete(buf.length);
    }
    if (buf.length > 0) this.body(buf);
  }

  private parseHead(text: string): boolean {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] as string);
    if (!m) {
      this.fail(new Error('bad status line'));
      return false;
    }
    const status = Number(m[2]);
    this.keepAlive = m[1] === '1';
    const headers: string[] = [];
    let length = -1;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon <= 0) {
        this.fail(new Error('bad header line'));
        return false;
      }
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      const lower = name.length === 14 || name.length === 17 || name.length === 10 ? name.toLowerCase() : '';
      if (lower === 'content-length') length = Number(value);
      else if (lower === 'transfer-encoding') chunked = value.toLowerCase() === 'chunked';
      else if (lower === 'connection') this.keepAlive = value.toLowerCase() !== 'close';
      headers.push(name, value);
    }
    if (status < 200) {
      // The bench's upstream never sends a 1xx; refuse it rather than misread the answer after it.
      this.fail(new Error('1xx answers are not handled by the bench client'));
      return false;
    }
    const handler = this.handler as LeanHandler;
    if (this.isHead || status === 204 || status === 304) this.framing = Framing.None;
    else if (chunked) {
      this.framing = Framing.Chunked;
      this.chunkState = 0;
      this.partial = '';
    } else if (length >= 0) {
      this.framing = length === 0 ? Framing.None : Framing.Length;
      this.remaining = length;
    } else {
      this.framing = Framing.Close;
      this.keepAlive = false;
    }
    handler.onHeaders(status, headers);
    return true;
  }

  private body(buf: Buffer): void {
    if (this.shared) buf = Buffer.from(buf);
    const handler = this.handler as LeanHandler;
    if (this.framing === Framing.Length) {
      if (buf.length < this.remaining) {
        this.remaining -= buf.length;
        handler.onData(buf);
        return;
      }
      const rest = buf.length - this.remaining;
      handler.onData(this.remaining === buf.length ? buf : buf.subarray(0, this.remaining));
      this.complete(rest);
    } else if (this.framing === Framing.Close) {
      handler.onData(buf);
    } else {
      this.chunked(buf);
    }
  }

  private chunked(buf: Buffer): void {
    let at = 0;
    while (at < buf.length) {
      if (this.chunkState === 1) {
        const n = Math.min(this.remaining, buf.length - at);
        this.handler?.onData(buf.subarray(at, at + n));
        at += n;
        this.remaining -= n;
        if (this.remaining === 0) this.chunkState = 2;
        continue;
      }
      const nl = buf.indexOf(10, at);
      if (nl < 0) {
        this.partial += buf.toString('latin1', at);
        return;
      }
      const line = this.partial + buf.toString('latin1', at, nl);
      this.partial = '';
      at = nl + 1;
      if (this.chunkState === 2) {
        this.chunkState = 0;
        continue;
      }
      if (this.chunkState === 3) {
        if (line === '\r' || line === '') return this.complete(buf.length - at);
        continue;
      }
      const size = parseInt(line, 16);
      if (!(size >= 0)) return this.fail(new Error('bad chunk size'));
      if (size === 0) this.chunkState = 3;
      else {
        this.chunkState = 1;
        this.remaining = size;
      }
    }
  }

  private complete(leftover: number): void {
    const handler = this.handler as LeanHandler;
    this.handler = undefined;
    this.framing = Framing.None;
    this.wrote = false;
    if (leftover > 0 || !this.keepAlive) this.socket.destroy();
    else this.pool.release(this);
    handler.onComplete();
  }

  fail(e: Error): void {
    const handler = this.handler;
    this.handler = undefined;
    this.socket.destroy();
    this.pool.forget(this);
    handler?.onError(e, this.wrote);
  }

  private onClose(): void {
    this.pool.forget(this);
    if (this.handler && this.framing === Framing.Close) {
      const handler = this.handler;
      this.handler = undefined;
      handler.onComplete();
    } else if (this.handler) this.fail(new Error('socket closed'));
  }
}

export class LeanPool {
  private readonly idle: Conn[] = [];
  readonly busy = new Set<Conn>();
  private readonly hostLine: string;

  constructor(
    private readonly host: string,
    private readonly port: number,
    readonly onread = false,
  ) {
    this.hostLine = `\r\nhost: ${host}:${port}\r\n`;
  }

  request(method: string, path: string, headers: readonly string[], handler: LeanHandler): void {
    let head = `${method} ${path} HTTP/1.1${this.hostLine}`;
    for (let i = 0; i + 1 < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
    head += '\r\n';
    const conn = this.idle.pop() ?? new Conn(this, this.host, this.port);
    this.busy.add(conn);
    conn.send(head, method === 'HEAD', handler);
  }

  release(conn: Conn): void {
    this.busy.delete(conn);
    this.idle.push(conn);
  }

  forget(conn: Conn): void {
    this.busy.delete(conn);
    const at = this.idle.indexOf(conn);
    if (at >= 0) this.idle.splice(at, 1);
  }
}

/** One coarse timer for every pool, as undici's fast timers. */
export function watchTimeouts(pools: Iterable<LeanPool>): void {
  setInterval(() => {
    const now = Date.now();
    for (const pool of pools) for (const conn of pool.busy) if (conn.deadline < now) conn.fail(new Error('timeout'));
  }, 1000).unref();
}
