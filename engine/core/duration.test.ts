import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, formatDuration, parseDuration } from './duration.ts';

describe('Go-style durations', () => {
  it.each([
    ['59s', 59_000],
    ['1m1s', 61_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['-2s', -2000],
    ['1h2m3s4ms', 3_723_004],
    ['500us', 0.5],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(new RegExp(DURATION_PATTERN, 'u').test(text)).toBe(true);
  });

  it.each(['5 sec', '5', 's', '1m 1s', '', '1d', '5secs'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
    expect(new RegExp(DURATION_PATTERN, 'u').test(text)).toBe(false);
  });

  it('formats like Go', () => {
    expect(formatDuration(61_000)).toBe('1m1s');
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(3_600_000)).toBe('1h0m0s');
  });
});
