import { describe, expect, it } from 'vitest';
import { articleFor } from './retry.ts';

// The retry reason reads "after a 25 ms backoff" / "after an 18 ms backoff": the article follows the
// number as it is said aloud, not its first letter as written.
describe('articleFor', () => {
  it.each([
    ['8 ms', 'an'],
    ['18 ms', 'an'],
    ['11 ms', 'an'],
    ['80 ms', 'an'],
    ['800 ms', 'an'],
    ['11.5 s', 'an'],
    ['18000 ms', 'an'],
    ['1 ms', 'a'],
    ['25 ms', 'a'],
    ['100 ms', 'a'],
    ['110 ms', 'a'],
    ['181 ms', 'a'],
    ['1.8 s', 'a'],
  ] as const)('%s takes "%s"', (text, article) => {
    expect(articleFor(text)).toBe(article);
  });
});
