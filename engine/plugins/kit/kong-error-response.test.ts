/**
 * kong.response.error's formats and Kong's Accept negotiation (semantics §1: "format negotiated from
 * Accept (JSON default)"; §6: the auth plugins' 401/403 go the same way). Expected bytes are Kong's
 * templates (ERROR_TEMPLATES) in Kong 3.x kong/tools/http.lua; the negotiation cases follow
 * get_response_type / get_mime_type.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import {
  acceptOf,
  KONG_ERROR_CONTENT_TYPES,
  kongErrorResponse,
  negotiateKongErrorFormat,
  readMediaRange,
  type KongErrorFormat,
} from './kong-error-response.ts';

// Pin a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] kong-error-response seed=${seed} (replay: FC_SEED=${seed})`);

const MESSAGE = 'API rate limit exceeded';
const ID = 'req-7';

describe('§1 kong.response.error: each format, byte for byte', () => {
  it('JSON when there is no Accept header: Kong\'s template, four lines, no newline at the end', () => {
    expect(kongErrorResponse(MESSAGE, ID, undefined)).toEqual({
      format: 'json',
      headers: [['Content-Type', 'application/json; charset=utf-8']],
      body: '{\n  "message":"API rate limit exceeded",\n  "request_id":"req-7"\n}',
    });
  });

  it('a real Kong 3.10 answered its router 404 with Content-Length 103: the template with a 32-hex id', () => {
    const id = '5c0a2b6f1e3d4a7b8c9d0e1f2a3b4c5d';
    const body = kongErrorResponse('no Route matched with those values', id, undefined).body;
    expect(new TextEncoder().encode(body).length).toBe(103);
    expect(JSON.parse(body)).toEqual({ message: 'no Route matched with those values', request_id: id });
  });

  it('HTML: Kong adds a full stop after the message', () => {
    const r = kongErrorResponse(MESSAGE, ID, 'text/html');
    expect(r.headers).toEqual([['Content-Type', 'text/html; charset=utf-8']]);
    expect(r.body).toBe(
      '<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Error</title>\n  </head>\n  <body>\n' +
        '    <h1>Error</h1>\n    <p>API rate limit exceeded.</p>\n    <p>request_id: req-7</p>\n  </body>\n</html>\n',
    );
  });

  it('XML: the id element is <requestid>, without an underscore', () => {
    const r = kongErrorResponse(MESSAGE, ID, 'application/xml');
    expect(r.headers).toEqual([['Content-Type', 'application/xml; charset=utf-8']]);
    expect(r.body).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>API rate limit exceeded</message>\n  <requestid>req-7</requestid>\n</error>\n');
  });

  it('plain text: two lines', () => {
    const r = kongErrorResponse(MESSAGE, ID, 'text/plain');
    expect(r.headers).toEqual([['Content-Type', 'text/plain; charset=utf-8']]);
    expect(r.body).toBe('API rate limit exceeded\nrequest_id: req-7\n');
  });

  it('Accept: application/grpc picks Kong\'s empty gRPC entry: no body, no Content-Type', () => {
    expect(kongErrorResponse(MESSAGE, ID, 'application/grpc')).toEqual({ format: 'grpc-empty', headers: [], body: '' });
  });

  it('inserts the message unescaped, as Kong\'s string.format does', () => {
    expect(kongErrorResponse('a <b> & "c"', ID, 'text/html').body).toContain('<p>a <b> & "c".</p>');
    // Even into the JSON: Kong's body is then not valid JSON, and neither is gatelab's.
    expect(kongErrorResponse('say "hi"', ID, undefined).body).toBe('{\n  "message":"say "hi"",\n  "request_id":"req-7"\n}');
  });
});

describe('§1 Kong\'s Accept negotiation', () => {
  const cases: Array<[string, KongErrorFormat, string]> = [
    ['application/json', 'json', 'asks for JSON'],
    ['', 'json', 'an empty header reads nothing'],
    ['*/*', 'json', 'anything: the default'],
    ['text/*', 'plain', 'text/* is plain text'],
    ['application/*', 'json', 'application/* is JSON'],
    ['image/*', 'json', 'an unknown main type under a wildcard is the default'],
    ['image/png', 'json', 'an unknown type is the default'],
    ['text/html, application/json', 'html', 'equal q: the first wins'],
    ['image/png, text/html', 'json', 'equal q: the first wins even when Kong does not know it'],
    ['application/json;q=0.5, text/html', 'html', 'the highest q wins'],
    ['text/html;q=0.9, text/plain;q=0.95', 'plain', 'q with three decimals'],
    ['text/html;q=0', 'json', 'q=0 is never chosen'],
    ['text/html;q=0.5;level=1', 'html', 'a parameter after q keeps the q'],
    ['application/json;q=0.4, text/html;level=1;q=0.5', 'html', 'q after another parameter counts'],
    ['text/html;q=.5, application/json;q=0.9', 'html', 'q=.5 is unreadable, so the range has q=1'],
    ['text/html;q=2, application/json', 'html', 'q=2 is unreadable, so the range has q=1'],
    ['text/html ;  Q=0.1, text/plain;q=0.2', 'plain', 'spaces around ";" and an upper-case Q'],
    ['TEXT/HTML', 'json', 'the type is looked up case-sensitively: upper case is unknown'],
    ['Text/*', 'json', 'so is an upper-case main type under a wildcard'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'html', 'a browser'],
    ['a/b, text/plain', 'plain', 'one-letter names do not match Kong\'s pattern and are skipped'],
    ['text/html garbage', 'html', 'what follows the media type is ignored'],
    ['  application/xml  ', 'xml', 'surrounding spaces are stripped'],
    ['*/html', 'json', 'a wildcard main type with a real subtype is unknown'],
  ];
  it.each(cases)('%j → %s (%s)', (accept, want) => {
    expect(negotiateKongErrorFormat(accept)).toBe(want);
  });

  it('reads the last q when a range repeats it, as PCRE keeps the last capture', () => {
    expect(readMediaRange('text/html;q=0.2;q=0.7')).toEqual({ mediaType: 'text/html', q: 0.7 });
  });

  it('several Accept lines are read as one, joined by commas', () => {
    const headers = new HeaderMap([['Accept', 'text/html;q=0.1'], ['accept', 'application/xml']]);
    expect(acceptOf(headers)).toBe('text/html;q=0.1,application/xml');
    expect(negotiateKongErrorFormat(acceptOf(headers))).toBe('xml');
    expect(acceptOf(new HeaderMap())).toBeUndefined();
  });
});

describe('negotiation never fails (fast-check)', () => {
  const piece = fc.constantFrom('text', 'html', 'plain', 'application', 'json', 'xml', 'grpc', '*', '/', ',', ';', 'q', '=', '0', '1', '.', '5', ' ', '\t', 'X', '+', '"');
  const accept = fc.oneof(fc.string(), fc.array(piece, { maxLength: 20 }).map((p) => p.join('')));
  it('any Accept string gives one supported format and the body that format promises', () => {
    fc.assert(
      fc.property(accept, fc.string(), (value, message) => {
        const r = kongErrorResponse(message, ID, value);
        expect(Object.keys(KONG_ERROR_CONTENT_TYPES)).toContain(r.format);
        const type = KONG_ERROR_CONTENT_TYPES[r.format];
        expect(r.headers).toEqual(type === undefined ? [] : [['Content-Type', type]]);
        if (r.format !== 'grpc-empty') expect(r.body).toContain(ID);
      }),
      { seed, numRuns: 2000 },
    );
  });
});
