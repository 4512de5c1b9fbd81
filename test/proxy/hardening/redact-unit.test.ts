/** The redaction rules themselves (engine/observe/redact.ts), including names read from the config. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SECRET_NAMES, redactHeaderRecord, redactQuery, redactText, redactTraceEvent, secretNamesOf } from '../../../engine/observe/redact.ts';
import { kongIr } from '../../support/kong-config.ts';
import { hardeningConfig } from './harness.ts';

describe('redaction', () => {
  it('query values of API-key names are replaced; order, other params and the fragment are kept', () => {
    expect(redactQuery('/a?x=1&apikey=s3cret&y=2#frag')).toBe('/a?x=1&apikey=[redacted]&y=2#frag');
    expect(redactQuery('/a?APIKEY=s3cret')).toBe('/a?APIKEY=[redacted]');
    expect(redactQuery('/a?api%5Fkey=s3cret')).toBe('/a?api%5Fkey=[redacted]');
    expect(redactQuery('/a?x=1')).toBe('/a?x=1');
  });

  it('a reason quoting a URL loses the secret values only', () => {
    expect(redactText('sending to app as GET /a?jwt=abc&page=2 — round robin', DEFAULT_SECRET_NAMES)).toBe('sending to app as GET /a?jwt=[redacted]&page=2 — round robin');
  });

  it('headers: Authorization, Proxy-Authorization, Cookie, Set-Cookie; repeated values keep their count', () => {
    expect(redactHeaderRecord({ Authorization: 'Bearer t', 'set-cookie': ['a=1', 'b=2'], accept: '*/*' })).toEqual({
      Authorization: '[redacted]',
      'set-cookie': ['[redacted]', '[redacted]'],
      accept: '*/*',
    });
  });

  it('the key names a key-auth instance reads are secret in headers and in the query', () => {
    const names = secretNamesOf(kongIr(hardeningConfig(1)));
    expect(names.headers.has('x-partner-key')).toBe(true);
    expect(names.params.has('x-partner-key')).toBe(true);
    expect(DEFAULT_SECRET_NAMES.params.has('x-partner-key')).toBe(false);
  });

  it('an event with nothing secret is passed through as the same object (no copy per request)', () => {
    const e = { type: 'request.start' as const, t: 0, req: 'r', client: 'c', replica: 'gw', method: 'GET', url: 'http://a/x', peerIp: 'c' };
    expect(redactTraceEvent(e)).toBe(e);
  });
});
