/**
 * A proxy with no node:http at all, for the bench only: how much of a bare Node proxy's CPU is
 * node:http's SERVER side? `net.createServer` in, each request parsed by llhttp through the same
 * `HTTPParser` binding node:http drives (so the same strictness: a head node:http refuses is refused
 * here, 400 or 431), the answer's head built as one latin1 string and written with a small body in
 * one `write`, keep-alive and pipelining answered in order, an idle connection closed after 5 s (as
 * node:http's keepAliveTimeout, swept by one coarse timer).
 *
 * GET and HEAD without a body only — what the bench sends. Anything else is refused with 501 and the
 * connection closed rather than handled half-way: other methods, a request body (Content-Length other
 * than 0, Transfer-Encoding), `Expect`, upgrades and CONNECT. Answers are streamed: with the
 * upstream's Content-Length as they come, without one chunk-encoded (HTTP/1.1 clients) or
 * close-delimited (HTTP/1.0), as node:http does; the head waits for the first body bytes (or the
 * end) so the usual small answer leaves in one write.
 *
 *   node --import tsx raw-front.ts MODE PORT UPSTREAM_PORT
 *
 * MODE is `raw` plus options: `-agent` (undici `Agent.dispatch` upstream instead of
 * peers/lean-client.ts), `-consume` (llhttp reads the socket's handle itself in C++, as node:http
 * does, instead of 'data' events and `parser.execute`), `+policies` (peers/policies.ts's PolicyGate,
 * the key, the limit and the added header, as the Node peers run it). E.g. `raw`, `raw+policies`,
 * `raw-agent`, `raw-consume+policies`.
 */
import { createServer, type Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { LeanHandler } from './lean-client.ts';
import { HTTPParser, methods, upstreamSender, type NodeHttpParser } from './raw-front-parts.ts';
import { ADDED_HEADER, PolicyGate } from './policies.ts';

const [mode = 'raw', portText, upstreamText] = process.argv.slice(2);
if (!/^raw(-agent)?(-consume)?(\+policies)?$/.test(mode)) throw new Error(`raw-front: unknown mode '${mode}' (raw[-agent][-consume][+policies])`);
const port = Number(portText);
const upstreamPort = Number(upstreamText);
const useAgent = mode.includes('-agent');
const consume = mode.includes('-consume');
const gate = mode.endsWith('+policies') ? new PolicyGate() : undefined;

/** Never forwarded either way; the same list as bare-client.ts, so only the front differs. */
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection', 'host']);
/** Node's own response-header checks (_http_common checkIsHttpToken / checkInvalidHeaderChar). */
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** A body chunk up to this size is joined to the head as latin1 (one write); larger ones go as Buffers. */
const JOIN_LIMIT = 4096;
/** Past this many answers queued on one connection (pipelining), reading stops until they drain. */
const MAX_QUEUED = 64;
const KEEP_ALIVE_MS = 5000;

let dateSecond = 0;
let dateLine = '';
/** `Date: …\r\n`, rebuilt once a second (node:http caches it the same way). */
function dateHeader(): string {
  const now = Date.now();
  const second = now - (now % 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = `Date: ${new Date(now).toUTCString()}\r\n`;
  }
  return dateLine;
}

/** One answer on a connection, in request order; filled by the upstream client, written by its Front. */
class Answer implements LeanHandler {
  /** What is ready but not yet written: latin1 text (head and small chunks) and larger Buffers. */
  private text = '';
  private parts: Array<string | Buffer> | undefined;
  private chunked = false;
  private headDone = false;
  private bodySeen = false;
  done = false;
  /** The connection ends after this answer. */
  close: boolean;

  constructor(
    private readonly front: Front,
    private readonly isHead: boolean,
    keepAlive: boolean,
    private readonly http10: boolean,
  ) {
    this.close = !keepAlive;
  }

  /** A whole answer the front makes itself (refusals, 502, policies). */
  local(status: number, body: string, close: boolean): void {
    if (close) this.close = true;
    this.text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\nContent-Type: text/plain\r\n${dateHeader()}${this.connectionLines()}Content-Length: ${body.length}\r\n\r\n${this.isHead ? '' : body}`;
    this.headDone = true;
    this.done = true;
    this.front.pump(this);
  }

  private connectionLines(): string {
    return this.close ? 'Connection: close\r\n' : 'Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n';
  }

  onHeaders(status: number, headers: string[]): void {
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    let length = false;
    let date = false;
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = headers[i] as string;
      const value = headers[i + 1] as string;
      const lower = name.toLowerCase();
      if (HOP.has(lower)) continue;
      if (!TOKEN.test(name) || BAD_VALUE.test(value)) return this.onError(new Error(`invalid answer header '${name}'`));
      if (lower === 'content-length') length = true;
      else if (lower === 'date') date = true;
      head += `${name}: ${value}\r\n`;
    }
    const bodyless = this.isHead || status === 204 || status === 304 || status < 200;
    if (!length && !bodyless) {
      if (this.http10) this.close = true;
      else this.chunked = true;
    }
    if (!date) head += dateHeader();
    head += this.connectionLines();
    if (this.chunked) head += 'Transfer-Encoding: chunked\r\n';
    this.text = `${head}\r\n`;
    this.headDone = true;
  }

  onData(chunk: Buffer): void {
    // Nothing after the end (a refusal of a bad answer head), and no empty chunk: chunk-encoded, it
    // would be the body's terminator.
    if (this.done || chunk.length === 0) return;
    this.bodySeen = true;
    if (this.chunked) this.text += `${chunk.length.toString(16)}\r\n`;
    if (chunk.length <= JOIN_LIMIT) this.text += chunk.toString('latin1');
    else {
      (this.parts ??= []).push(this.text, chunk);
      this.text = '';
    }
    if (this.chunked) this.text += '\r\n';
    this.front.pump(this);
  }

  onComplete(): void {
    if (this.done) return;
    if (this.chunked) this.text += '0\r\n\r\n';
    this.done = true;
    this.front.pump(this);
  }

  onError(e: Error): void {
    if (this.done) return;
    if (this.headDone && this.bodySeen) {
      // Part of the answer may be out already: nothing but closing the connection is honest.
      this.done = true;
      this.front.socket.destroy();
      return;
    }
    this.local(502, `upstream: ${e.message}\n`, false);
  }

  /** Writes what is ready; called for the first answer in the queue only. */
  flush(socket: Socket): void {
    // The head waits for the body's first bytes (or the end), so a small answer is one write.
    if (!this.done && !this.bodySeen) return;
    const parts = this.parts;
    if (parts) {
      this.parts = undefined;
      socket.cork();
      for (const p of parts) {
        if (p.length === 0) continue;
        if (typeof p === 'string') socket.write(p, 'latin1');
        else socket.write(p);
      }
      if (this.text.length > 0) socket.write(this.text, 'latin1');
      socket.uncork();
    } else if (this.text.length > 0) socket.write(this.text, 'latin1');
    this.text = '';
  }
}

/** One client connection: its parser, its answers in request order, its keep-alive state. */
class Front {
  readonly parser: NodeHttpParser<Front>;
  private readonly queue: Answer[] = [];
  private headers: string[] = [];
  private url = '';
  /** No more requests are read: a close was asked for, a request refused, or the client ended. */
  private closing = false;
  private paused = false;
  idleSince = Date.now();

  constructor(readonly socket: Socket) {
    const parser = new HTTPParser() as NodeHttpParser<Front>;
    parser.initialize(HTTPParser.REQUEST, {}, 0, HTTPParser.kLenientNone);
    parser.front = this;
    parser[HTTPParser.kOnHeaders] = onHeaders;
    parser[HTTPParser.kOnHeadersComplete] = onHeadersComplete;
    parser[HTTPParser.kOnBody] = ignore;
    parser[HTTPParser.kOnMessageComplete] = ignore;
    this.parser = parser;
    socket.setNoDelay(true);
    if (consume) {
      // llhttp reads from the handle in C++ and calls kOnExecute after each read: no Buffer per read
      // reaches JavaScript, no 'data' event. End of stream still comes to the socket ('end').
      parser[HTTPParser.kOnExecute] = onExecute;
      parser.consume((socket as unknown as { _handle: unknown })._handle);
      socket.resume();
    } else {
      socket.on('data', (d: Buffer) => this.afterExecute(this.parser.execute(d)));
    }
    socket.on('end', () => this.onEnd());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClose());
    fronts.add(this);
  }

  afterExecute(ret: number | Error): void {
    if (ret instanceof Error) this.refuse((ret as Error & { code?: string }).code === 'HPE_HEADER_OVERFLOW' ? 431 : 400);
  }

  collect(headers: string[], url: string): void {
    for (const h of headers) this.headers.push(h);
    this.url += url;
  }

  request(major: number, minor: number, headers: string[] | undefined, method: number, url: string | undefined, upgrade: boolean, keepAlive: boolean): void {
    if (headers === undefined) {
      headers = this.headers;
      this.headers = [];
    }
    if (url === undefined) {
      url = this.url;
      this.url = '';
    }
    if (this.closing) return;
    const name = methods[method] as string;
    const isHead = name === 'HEAD';
    const answer = new Answer(this, isHead, keepAlive, major === 1 && minor === 0);
    this.queue.push(answer);
    if (answer.close) this.closing = true;
    if ((name !== 'GET' && !isHead) || upgrade) return this.refuseWith(answer, 501);
    const out: string[] = [];
    let apikey: string | undefined;
    let host = false;
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const h = headers[i] as string;
      const value = headers[i + 1] as string;
      const lower = h.toLowerCase();
      if (HOP.has(lower)) {
        if (lower === 'host') host = true;
        else if (lower === 'transfer-encoding') return this.refuseWith(answer, 501);
        continue;
      }
      if (lower === 'content-length') {
        if (value !== '0') return this.refuseWith(answer, 501);
      } else if (lower === 'expect') return this.refuseWith(answer, 501);
      else if (lower === 'apikey' && apikey === undefined) apikey = value;
      out.push(h, value);
    }
    // node:http's requireHostHeader: an HTTP/1.1 request without Host is a 400.
    if (!host && minor === 1) return this.refuseWith(answer, 400);
    if (gate) {
      const status = gate.check(apikey, this.socket.remoteAddress ?? '', Date.now());
      if (status !== 0) return answer.local(status, status === 401 ? 'no valid key\n' : 'rate limited\n', false);
      out.push(ADDED_HEADER, '1');
    }
    send(name, url, out, answer);
    if (this.queue.length >= MAX_QUEUED) this.pause();
  }

  /** A request this front does not handle: answered in its turn, then the connection closes. */
  private refuseWith(answer: Answer, status: number): void {
    this.closing = true;
    answer.local(status, `${STATUS_CODES[status] ?? ''}\n`, true);
  }

  /** A head llhttp refused: the answer goes after the ones already queued, then the connection ends. */
  private refuse(status: number): void {
    if (this.closing) return;
    const answer = new Answer(this, false, false, false);
    this.queue.push(answer);
    this.refuseWith(answer, status);
  }

  /** Writes the answers at the queue's front that are ready, in order; ends the connection after a closing one. */
  pump(changed: Answer): void {
    if (this.queue[0] !== changed) return;
    const socket = this.socket;
    if (socket.destroyed) return;
    let first: Answer | undefined = changed;
    while (first) {
      first.flush(socket);
      if (!first.done) return;
      this.queue.shift();
      if (first.close) {
        this.queue.length = 0;
        socket.end();
        return;
      }
      first = this.queue[0];
    }
    this.idleSince = Date.now();
    if (this.paused) this.resume();
    if (this.closing) socket.end();
  }

  private pause(): void {
    this.paused = true;
    if (consume) (this.socket as unknown as { _handle: { readStop(): void } })._handle.readStop();
    else this.socket.pause();
  }

  private resume(): void {
    this.paused = false;
    if (consume) (this.socket as unknown as { _handle: { readStart(): void } })._handle.readStart();
    else this.socket.resume();
  }

  /** The client sent FIN: answer what is queued, then end (node:http's half-open handling). */
  private onEnd(): void {
    this.parser.finish();
    this.closing = true;
    if (this.queue.length === 0) this.socket.end();
  }

  private onClose(): void {
    fronts.delete(this);
    this.queue.length = 0;
    const parser = this.parser;
    parser.front = undefined;
    if (consume) parser.unconsume();
    // Freed outside any parser callback, as node:http does.
    setImmediate(() => parser.close());
  }

  /** Idle past the keep-alive timeout with nothing in flight. */
  idle(now: number): boolean {
    return this.queue.length === 0 && now - this.idleSince > KEEP_ALIVE_MS;
  }
}

// The parser's callbacks run with the parser as `this`; plain functions, none made per request.
function onHeaders(this: NodeHttpParser<Front>, headers: string[], url: string): void {
  this.front?.collect(headers, url);
}
function onHeadersComplete(this: NodeHttpParser<Front>, major: number, minor: number, headers: string[] | undefined, method: number, url: string | undefined, _status: unknown, _message: unknown, upgrade: boolean, keepAlive: boolean): number {
  this.front?.request(major, minor, headers, method, url, upgrade, keepAlive);
  return 0;
}
function onExecute(this: NodeHttpParser<Front>, ret: number | Error): void {
  this.front?.afterExecute(ret);
}
function ignore(): void {}

const send = upstreamSender(useAgent, upstreamPort);
const fronts = new Set<Front>();
setInterval(() => {
  const now = Date.now();
  for (const f of fronts) if (f.idle(now)) f.socket.destroy();
}, 1000).unref();

// allowHalfOpen: a client that half-closes after its pipelined requests still gets every answer.
createServer({ allowHalfOpen: true }, (socket) => new Front(socket)).listen(port, '127.0.0.1', () => console.error(`raw-front ${mode} listening on ${port}`));
// Exit cleanly on the bench's SIGTERM, so `node --cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));
