import { describe, expect, it } from 'vitest';
import { fieldNote } from './field-notes.ts';

describe('fieldNote', () => {
  it("says which moment Kong's usage and remaining describe, and nothing for other fields", () => {
    expect(fieldNote('rate-limit', 'usage')).toBe('counted before the request');
    expect(fieldNote('rate-limit', 'remaining')).toBe('left after the request');
    expect(fieldNote('rate-limit', 'limit')).toBeUndefined();
    expect(fieldNote('response-ratelimiting', 'usage')).toBeUndefined();
  });
});
