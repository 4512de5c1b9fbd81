/**
 * One table for the lab and `gatelab check`: both grade through normaliseAnswer, which reads the
 * question's own unit off a number first. Each row is what a student typed in a box labelled
 * "requests per minute" and what the grader reads (null: not a number, graded wrong with a note).
 */
import { describe, expect, it } from 'vitest';
import { withoutUnit } from './answer-units.ts';
import { normaliseAnswer } from './exercise-grade.ts';
import type { QuestionInput } from './exercise-types.ts';

const perMinute: QuestionInput = { type: 'number', unit: 'requests per minute' };

const TABLE: Array<[typed: string, read: string | null]> = [
  ['600', '600'],
  ['600 requests', '600'],
  ['600/min', '600'],
  ['600 req/min', '600'],
  ['600 requests per minute', '600'],
  ['600 requests a minute', '600'],
  ['600 rpm', '600'],
  ['  600 requests  ', '600'],
  ['1,000 requests', '1000'],
  ['600.0 /min', '600'],
  // Another unit, or words that are not a unit, stay and make the answer no number.
  ['600 per second', null],
  ['600 req/s', null],
  ['600 requests per hour', null],
  ['600 rps', null],
  ['~600', null],
  ['3 × 200', null],
  ['six hundred', null],
];

describe("a number typed with its question's unit", () => {
  it.each(TABLE)('%s is read as %s', (typed, read) => {
    const got = normaliseAnswer(perMinute, typed);
    if (read === null) {
      expect(got.note).toContain('is not a number of requests per minute');
    } else {
      expect(got).toEqual({ value: read });
    }
  });

  it('withoutUnit takes off exactly the unit and nothing else', () => {
    expect(withoutUnit(perMinute, '600 requests')).toBe('600');
    expect(withoutUnit(perMinute, '1,000 requests')).toBe('1,000');
    expect(withoutUnit(perMinute, '600 per second')).toBe('600 per second');
    expect(withoutUnit({ type: 'number', unit: 'requests per second' }, '600 rps')).toBe('600');
  });

  it('only a number input with a unit loses words: paths, choices and unitless numbers keep them', () => {
    expect(withoutUnit({ type: 'path' }, '/123 requests')).toBe('/123 requests');
    expect(normaliseAnswer({ type: 'path' }, '/123 requests').value).toBe('/123 requests');
    expect(normaliseAnswer({ type: 'number' }, '600 requests').note).toBeDefined();
    expect(normaliseAnswer({ type: 'choice', choices: ['admitted'] }, 'admitted requests').value).toBe('admitted requests');
  });
});
