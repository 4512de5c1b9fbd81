/**
 * raw-front.ts's two borrowed parts: Node's internal llhttp binding, typed for what raw-front uses, and
 * the upstream client it sends through (peers/lean-client.ts, or undici's Agent.dispatch for `-agent`).
 */
import { createRequire } from 'node:module';
import { Agent, type Dispatcher } from 'undici';
import { LeanPool, watchTimeouts, type LeanHandler } from './lean-client.ts';

/** The parts of Node's internal llhttp binding this file uses (lib/_http_common.js). */
export interface NodeHttpParser<F = unknown> {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  finish(): number | Error | undefined;
  consume(handle: unknown): void;
  unconsume(): void;
  close(): void;
  [slot: number]: unknown;
  /** The connection this parser reads for (raw-front.ts's Front). */
  front: F | undefined;
}
interface HttpParserClass {
  new (): NodeHttpParser;
  REQUEST: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kOnExecute: number;
  kLenientNone: number;
}
const require = createRequire(import.meta.url);
export const { HTTPParser, methods } = require('_http_common') as { HTTPParser: HttpParserClass; methods: string[] };


/** Sends one GET/HEAD upstream; the answer comes back through the handler. */
export type Send = (method: string, path: string, headers: string[], answer: LeanHandler) => void;

/** undici's dispatch callbacks, turned into the lean client's handler calls. */
class UndiciToLean implements Dispatcher.DispatchHandler {
  constructor(private readonly answer: LeanHandler) {}
  onConnect(): void {}
  onHeaders(status: number, raw: Buffer[]): boolean {
    const flat = new Array<string>(raw.length);
    for (let i = 0; i < raw.length; i++) flat[i] = (raw[i] as Buffer).toString('latin1');
    this.answer.onHeaders(status, flat);
    return true;
  }
  onData(chunk: Buffer): boolean {
    this.answer.onData(chunk);
    return true;
  }
  onComplete(): void {
    this.answer.onComplete();
  }
  onError(e: Error): void {
    this.answer.onError(e, true);
  }
}

export function upstreamSender(useAgent: boolean, upstreamPort: number): Send {
  if (useAgent) {
    const origin = `http://127.0.0.1:${upstreamPort}`;
    const agent = new Agent({ keepAliveTimeout: 30_000, connections: 256, pipelining: 1 });
    return (method, path, headers, answer) =>
      agent.dispatch({ origin, path, method: method as Dispatcher.HttpMethod, headers, headersTimeout: 30_000, bodyTimeout: 30_000 }, new UndiciToLean(answer));
  }
  const pool = new LeanPool('127.0.0.1', upstreamPort);
  watchTimeouts([pool]);
  return (method, path, headers, answer) => pool.request(method, path, headers, answer);
}
