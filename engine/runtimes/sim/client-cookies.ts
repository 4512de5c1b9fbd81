/**
 * The cookie jars of a run's `cookies: keep` clients: one per client and run (keyed by an object
 * the run owns: the simulation's TryEnv, the socket driver's outcome list), so a second run of the
 * same scenario starts with empty jars. The request's Cookie header
 * is the template's own Cookie, then the jar's cookies, in one line.
 */
import type { IncomingRequest } from '../../pipeline/types.ts';
import type { ClientSpec } from '../../scenario/types.ts';
import { CookieJar } from './cookie-jar.ts';
import { parseRequestUrl } from './request-builder.ts';

export class ClientCookies {
  private readonly jar = new CookieJar();
  private readonly path: string;
  private readonly https: boolean;

  constructor(client: ClientSpec) {
    const url = parseRequestUrl(client.request.url);
    this.path = url.path;
    this.https = url.scheme === 'https';
  }

  /** The Cookie line to send: the template's own (`own`), then the jar's; undefined when neither. */
  cookieLine(own: string | undefined, nowMs: number): string | undefined {
    const kept = this.jar.header(this.path, this.https, nowMs);
    if (kept === undefined) return own;
    return own === undefined ? kept : `${own}; ${kept}`;
  }

  /** Adds the jar's cookies for this client's path to a request about to be sent. */
  attach(request: IncomingRequest, nowMs: number): void {
    const own = request.headers.get('cookie');
    const line = this.cookieLine(own, nowMs);
    if (line === undefined || line === own) return;
    if (own === undefined) request.headers.append('Cookie', line);
    else request.headers.set('Cookie', line);
  }

  /** Stores an answer's Set-Cookie lines. */
  keep(lines: readonly string[], nowMs: number): void {
    if (lines.length > 0) this.jar.store(lines, this.path, nowMs);
  }
}

const jars = new WeakMap<object, Map<string, ClientCookies>>();

export function cookieJarFor(run: object, client: ClientSpec): ClientCookies {
  let byClient = jars.get(run);
  if (!byClient) jars.set(run, (byClient = new Map()));
  let jar = byClient.get(client.id);
  if (!jar) byClient.set(client.id, (jar = new ClientCookies(client)));
  return jar;
}
