import { describe, expect, it } from 'vitest';
import { ClaimError, parseClaim } from './claim.ts';

describe('parseClaim', () => {
  it('reads "max N per D" with a Go duration', () => {
    expect(parseClaim('max 100 per 60s')).toEqual({ max: 100, windowMs: 60_000, text: 'max 100 per 60s', windowText: '60s' });
    expect(parseClaim('  MAX 5   per 1m30s ')).toMatchObject({ max: 5, windowMs: 90_000, text: 'max 5 per 1m30s' });
    expect(parseClaim('max 1 per 250ms').windowMs).toBe(250);
  });

  const bad: Array<[string, RegExp, RegExp]> = [
    ['100 per minute', /cannot read the claim/, /max 100 per 60s/],
    ['max 100 per 60', /'60' is not a Go duration/, /bare number has no unit/],
    ['max ten per 60s', /'ten' is not a whole number/, /max 100 per 60s/],
    ['max 1.5 per 60s', /'1.5' is not a whole number/, /whole number/],
    ['max 0 per 60s', /allows no request/, /at least 1/],
    ['max 10 per 0s', /shorter than 1 ms/, /at least 1ms/],
    ['max 10 per -5s', /shorter than 1 ms/, /at least 1ms/],
  ];
  it.each(bad)('refuses %j with a message and a hint', (text, message, hint) => {
    let caught: unknown;
    try {
      parseClaim(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ClaimError);
    const err = caught as ClaimError;
    expect(err.message).toMatch(message);
    expect(err.hint).toMatch(hint);
    expect(err.code).toBe('GL_E_USAGE');
  });
});
