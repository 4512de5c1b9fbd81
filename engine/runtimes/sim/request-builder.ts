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

/** A client sends the same template many times: parse its URL once. */
const parsedTemplates = new WeakMap<RequestTemplate, ParsedUrl>();

export function buildRequest(id: string, template: RequestTemplate, peerIp: string): IncomingRequest {
  let url = parsedTemplates.get(template);
  if (!url) parsedTemplates.set(template, (url = parseRequestUrl(template.url)));
  const headers = new HeaderMap();
  headers.append('Host', url.host);
  for (const [name, value] of template.headers) {
    if (name.toLowerCase() === 'host') headers.set('Host', value);
    else headers.append(name, value);
  }
  return {
    id,
    method: template.method.toUpperCase(),
    scheme: url.scheme,
    host: headers.get('host') ?? url.host,
    port: url.port,
    path: url.path,
    query: url.query,
    headers,
    body: template.body,
    peerIp,
  };
}
