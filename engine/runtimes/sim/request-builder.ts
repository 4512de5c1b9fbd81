/** Builds the IncomingRequest a gateway receives from a client's request template. */
import { HeaderMap } from '../../pipeline/headers.ts';
import type { IncomingRequest } from '../../pipeline/types.ts';
import type { RequestTemplate } from '../../scenario/types.ts';

export interface ParsedUrl {
  scheme: 'http' | 'https';
  /** The authority as a Host header carries it (port only when the URL spells one). */
  host: string;
  port: number;
  path: string;
  query: string;
}

export function parseRequestUrl(url: string): ParsedUrl {
  const u = new URL(url);
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  const port = u.port ? Number(u.port) : scheme === 'https' ? 443 : 80;
  return {
    scheme,
    host: u.port ? `${u.hostname}:${u.port}` : u.hostname,
    port,
    // Keep the path as written: the gateway, not URL parsing, decides about normalisation.
    path: rawPath(url),
    query: u.search.startsWith('?') ? u.search.slice(1) : '',
  };
}

/** The path exactly as the URL spells it (URL would resolve dot segments and re-encode). */
function rawPath(url: string): string {
  const afterScheme = url.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/, '');
  const end = afterScheme.search(/[?#]/);
  const path = end < 0 ? afterScheme : afterScheme.slice(0, end);
  return path === '' ? '/' : path;
}

/**
 * What a template always builds: the parsed URL, the headers in order, the method and the Host. A
 * client sends the same template many times, so each request clones these three header arrays
 * instead of re-appending (and re-lower-casing) every header. `from*` fields notice a template that
 * was replaced piecewise; templates are never edited in place.
 */
interface BuiltTemplate {
  fromUrl: string;
  fromMethod: string;
  fromHeaders: RequestTemplate['headers'];
  fromHeaderCount: number;
  url: ParsedUrl;
  method: string;
  host: string;
  headers: HeaderMap;
  /** The URL as `request.start` shows it, built on first use. */
  traceUrl: string | undefined;
}

const builtTemplates = new WeakMap<RequestTemplate, BuiltTemplate>();

function buildTemplate(template: RequestTemplate): BuiltTemplate {
  const url = parseRequestUrl(template.url);
  const headers = new HeaderMap();
  headers.append('Host', url.host);
  for (const [name, value] of template.headers) {
    if (name.toLowerCase() === 'host') headers.set('Host', value);
    else headers.append(name, value);
  }
  return {
    fromUrl: template.url,
    fromMethod: template.method,
    fromHeaders: template.headers,
    fromHeaderCount: template.headers.length,
    url,
    method: template.method.toUpperCase(),
    host: headers.get('host') ?? url.host,
    headers,
    traceUrl: undefined,
  };
}

function builtFor(template: RequestTemplate): BuiltTemplate {
  let built = builtTemplates.get(template);
  if (
    !built ||
    built.fromUrl !== template.url ||
    built.fromMethod !== template.method ||
    built.fromHeaders !== template.headers ||
    built.fromHeaderCount !== template.headers.length
  ) {
    builtTemplates.set(template, (built = buildTemplate(template)));
  }
  return built;
}

export function buildRequest(id: string, template: RequestTemplate, peerIp: string): IncomingRequest {
  const built = builtFor(template);
  const url = built.url;
  return {
    id,
    method: built.method,
    scheme: url.scheme,
    host: built.host,
    port: url.port,
    path: url.path,
    query: url.query,
    // The gateway edits a request's headers, so each request gets its own copy.
    headers: built.headers.clone(),
    body: template.body,
    peerIp,
  };
}

/**
 * The URL a request built from `template` shows in its `request.start` event (scheme, Host, path and
 * query): one string per template rather than a concatenation per request.
 */
export function requestTraceUrl(template: RequestTemplate): string {
  const built = builtFor(template);
  if (built.traceUrl === undefined) {
    const { scheme, path, query } = built.url;
    built.traceUrl = `${scheme}://${built.host}${path}${query ? `?${query}` : ''}`;
  }
  return built.traceUrl;
}
