/**
 * Small wording helpers for the sentences health and outlier decisions carry: a student reads "30 s"
 * and "2nd ejection", never "30000" or "n=2". Shared by engine/upstream/outlier/ and health/.
 */

/** 30000 → "30 s", 1500 → "1.5 s", 250 → "250 ms". Durations only: instants depend on the scenario start. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) < 1000) return `${trim(value)} ms`;
  return `${trim(value / 1000)} s`;
}

/** 1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}

/** A percentage as people write it: 81.25 → "81.3 %", 50 → "50 %". */
export function pct(value: number): string {
  return `${trim(Math.round(value * 10) / 10)} %`;
}

/** The name a sentence uses for host i: its address when the caller gave one, else "host i". */
export function hostLabel(names: readonly string[] | undefined, i: number): string {
  return names?.[i] ?? `host ${i}`;
}

function trim(n: number): string {
  return Number(n.toFixed(3)).toString();
}
