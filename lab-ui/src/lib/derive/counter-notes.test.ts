// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { breakdownNote, deltaNote } from './counter-notes.ts';

describe('counter notes (the lines under a panel counter)', () => {
  it("writes kong-bottleneck overload's 502s with a thousands separator, and its difference from base apart", () => {
    // Read "2401× 502 +2401 vs base" before.
    expect(breakdownNote([{ status: 502, count: 2401 }])).toBe('2,401× 502');
    expect(deltaNote(2401, 0, 'base')).toBe('+2,401 vs base');
    expect(breakdownNote([{ status: 429, count: 160 }, { status: 403, count: 3 }])).toBe('160× 429, 3× 403');
  });

  it('says nothing when equal or without a base, and a minus sign when fewer', () => {
    expect(deltaNote(5, 5, 'base')).toBe('');
    expect(deltaNote(5, undefined, 'base')).toBe('');
    expect(deltaNote(5, 1017, 'base')).toBe('−1,012 vs base');
    expect(breakdownNote([])).toBe('');
  });
});
