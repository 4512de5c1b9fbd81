import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { civilFromDays, daysFromCivil, formatIsoInstant, parseIsoInstant } from './calendar.ts';

describe('calendar', () => {
  it('agrees with the platform Date on known instants', () => {
    for (const iso of ['1970-01-01T00:00:00.000Z', '2026-01-01T12:00:59.000Z', '2024-02-29T23:59:59.999Z', '1999-12-31T00:00:00.000Z']) {
      expect(parseIsoInstant(iso)).toBe(Date.parse(iso));
      expect(formatIsoInstant(Date.parse(iso))).toBe(iso);
    }
  });

  it('accepts offsets and rejects impossible dates', () => {
    expect(parseIsoInstant('2026-01-01T13:00:00+01:00')).toBe(Date.parse('2026-01-01T12:00:00Z'));
    expect(parseIsoInstant('2026-02-30T00:00:00Z')).toBeUndefined();
    expect(parseIsoInstant('2026-01-01 12:00:00')).toBeUndefined();
  });

  it('days ↔ civil round-trips and matches Date for any day in ±400 years (fast-check)', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`calendar property seed: ${seed}`);
    fc.assert(
      fc.property(fc.integer({ min: -146097, max: 146097 }), (days) => {
        const c = civilFromDays(days);
        expect(daysFromCivil(c.year, c.month, c.day)).toBe(days);
        expect(formatIsoInstant(days * 86_400_000)).toBe(new Date(days * 86_400_000).toISOString());
      }),
      { seed },
    );
  });
});
