/**
 * Where Kong's jwt plugin looks for a token (Kong 3.x retrieve_tokens, semantics §6): every query
 * argument in uri_param_names, every cookie in cookie_names, every header in header_names whose first
 * value matches `\s*[Bb]earer\s+(.+)`. Equal tokens count once; two different ones are "Multiple
 * tokens provided".
 */
import type { RequestContext } from '../../pipeline/types.ts';
import { currentHeaders } from '../kit/kong-auth.ts';
import { cookieValue, queryValues } from '../kit/query.ts';
import type { JwtConfig } from './config.ts';

export interface FoundToken {
  token: string;
  /** "header authorization", "query jwt", "cookie session". */
  from: string;
}

const BEARER = /\s*[Bb]earer\s+(.+)/;

export function retrieveTokens(config: Pick<JwtConfig, 'uri_param_names' | 'cookie_names' | 'header_names'>, ctx: RequestContext): FoundToken[] {
  const found = new Map<string, FoundToken>();
  const add = (token: string, from: string): void => {
    if (token !== '' && !found.has(token)) found.set(token, { token, from });
  };
  for (const name of config.uri_param_names) {
    for (const v of queryValues(ctx.upstream.path, name)) if (v !== undefined) add(v, `query ${name}`);
  }
  const headers = currentHeaders(ctx);
  const cookies = headers.getAll('cookie');
  for (const name of config.cookie_names) {
    const v = cookieValue(cookies, name);
    if (v !== undefined) add(v, `cookie ${name}`);
  }
  for (const name of config.header_names) {
    const value = headers.get(name);
    const m = value !== undefined ? BEARER.exec(value) : null;
    if (m?.[1]) add(m[1], `header ${name}`);
  }
  return [...found.values()];
}
