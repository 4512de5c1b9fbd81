/**
 * checkWire after its framing pass stopped building arrays (first Host and a count; Transfer-Encoding
 * lines only when there are some) must give every verdict the old pass gave: a fast-check property
 * against the old definition over header lists, versions and targets, plus fixed cases.
 */
import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkWire, DEFAULT_LIMITS, type WireVerdict } from './wire-guard.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] wire guard seed=${seed} (replay: FC_SEED=${seed})`);

type Req = Pick<IncomingMessage, 'rawHeaders' | 'httpVersion' | 'url'>;
const refuse = (status: number, code: string, reason: string): WireVerdict => ({ ok: false, refusal: { status, code, reason } }) as WireVerdict;

/** The old checkWire: framing lines gathered into arrays, the first Host read from the array. */
function referenceCheckWire(req: Req, maxHeaders: number): WireVerdict {
  const lines = req.rawHeaders.length / 2;
  if (lines > maxHeaders) return refuse(431, 'GL_E_TOO_MANY_HEADERS', `the request has ${lines} header lines; at most ${maxHeaders} are accepted`);
  if (req.httpVersion !== '1.1' && req.httpVersion !== '1.0') return refuse(505, 'GL_E_HTTP_VERSION', `HTTP/${req.httpVersion} is not served; use HTTP/1.1`);
  const te: string[] = [];
  const host: string[] = [];
  let contentLength = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (name === 'host') host.push(raw[i + 1] as string);
    else if (name === 'content-length') contentLength++;
    else if (name === 'transfer-encoding') te.push(raw[i + 1] as string);
  }
  if (te.length > 0) {
    if (contentLength > 0) return refuse(400, 'GL_E_TE_WITH_CL', 'the request has both Transfer-Encoding and Content-Length; send one of them');
    const codings = te.join(',').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
    if (!(codings.length === 1 && codings[0] === 'chunked')) {
      if (codings[codings.length - 1] !== 'chunked') {
        return refuse(400, 'GL_E_TRANSFER_ENCODING', `Transfer-Encoding "${te.join(', ')}" does not end in chunked, so the body has no end; send "Transfer-Encoding: chunked" or a Content-Length`);
      }
      return refuse(501, 'GL_E_TRANSFER_CODING', `Transfer-Encoding "${te.join(', ')}" uses codings the proxy cannot pass on; send "Transfer-Encoding: chunked" only`);
    }
  }
  if (host.length === 0 && req.httpVersion === '1.1') return refuse(400, 'GL_E_MISSING_HOST', 'an HTTP/1.1 request needs a Host header');
  const url = req.url ?? '';
  if (url.startsWith('/')) return { ok: true, url };
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(url);
  if (!m) return refuse(400, 'GL_E_REQUEST_TARGET', `the request target "${url.slice(0, 100)}" is neither a path starting with / nor an http(s) URL`);
  const scheme = (m[1] as string).toLowerCase();
  const authority = m[2] as string;
  if (scheme !== 'http' && scheme !== 'https') return refuse(400, 'GL_E_REQUEST_TARGET', `the request target uses scheme "${scheme}"; only http and https are proxied`);
  if (authority.includes('@')) return refuse(400, 'GL_E_REQUEST_TARGET', 'the request target carries user info (user@host); send credentials in Authorization instead');
  if (authority === '') return refuse(400, 'GL_E_REQUEST_TARGET', 'the request target has an empty host');
  const comparable = (h: string): string => {
    const lower = h.trim().toLowerCase();
    const port = scheme === 'https' ? ':443' : ':80';
    return lower.endsWith(port) ? lower.slice(0, -port.length) : lower;
  };
  const first = host[0];
  if (first !== undefined && comparable(first) !== comparable(authority)) {
    return refuse(400, 'GL_E_HOST_MISMATCH', `the request target names host "${authority}" but the Host header says "${first}"; send the same host in both`);
  }
  const rest = m[3] as string;
  return { ok: true, url: rest.startsWith('/') ? rest : `/${rest}` };
}

const name = fc.constantFrom('Host', 'host', 'HOST', 'Content-Length', 'content-length', 'Transfer-Encoding', 'transfer-encoding', 'Accept', 'apikey', 'Hostx', 'X-Host');
const value = fc.constantFrom('a.example', 'A.example:80', 'b.example', 'chunked', 'gzip, chunked', 'identity', ' chunked ', 'xchunked', '', '4');
const lines = fc.array(fc.tuple(name, value), { maxLength: 8 });
const version = fc.constantFrom('1.1', '1.0', '2.0', '0.9');
const url = fc.constantFrom('/x?y=1', '', '*', 'http://a.example/p', 'HTTP://a.example:80', 'https://a.example:443/q', 'http://b.example/', 'ftp://a.example/', 'http://u@a.example/', 'http:///p');

describe('checkWire', () => {
  it('gives the verdict the array-building definition gave', () => {
    fc.assert(
      fc.property(lines, version, url, fc.integer({ min: 2, max: 10 }), (pairs, httpVersion, target, maxHeaders) => {
        const req: Req = { rawHeaders: pairs.flat(), httpVersion, url: target };
        expect(checkWire(req as IncomingMessage, { ...DEFAULT_LIMITS, maxHeaders })).toEqual(referenceCheckWire(req, maxHeaders));
      }),
      { seed, numRuns: 3000 },
    );
  });

  it('pins: a plain request, a second Host line, chunked after gzip, HTTP/1.1 without Host', () => {
    const check = (rawHeaders: string[], u = '/p', httpVersion = '1.1'): WireVerdict => checkWire({ rawHeaders, httpVersion, url: u } as IncomingMessage, DEFAULT_LIMITS);
    expect(check(['Host', 'a.example', 'apikey', 'k'])).toEqual({ ok: true, url: '/p' });
    expect(check(['Host', 'a.example', 'Host', 'b.example'], 'http://a.example/q')).toEqual({ ok: true, url: '/q' });
    expect(check(['Host', 'a.example', 'Transfer-Encoding', 'gzip', 'Transfer-Encoding', 'chunked'])).toMatchObject({ ok: false, refusal: { status: 501, code: 'GL_E_TRANSFER_CODING' } });
    expect(check(['Accept', '*/*'])).toMatchObject({ ok: false, refusal: { status: 400, code: 'GL_E_MISSING_HOST' } });
  });
});
