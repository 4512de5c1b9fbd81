/**
 * Go's `time.Duration.String()` for an integer number of nanoseconds, byte for byte: Traefik puts it
 * in `X-Retry-In` ("333.333333ms", "1.5s", "1m0s"). Under a second it picks ns, µs or ms with the
 * fraction's trailing zeros dropped; from a second up it prints h, m and s, keeping "0m"/"0s" inside.
 */

/** `v / 10^prec` as "int[.frac]" with trailing zeros (and a bare point) removed. */
function withFraction(v: number, prec: number): string {
  const scale = 10 ** prec;
  const whole = Math.floor(v / scale);
  let frac = prec === 0 ? '' : String(v % scale).padStart(prec, '0').replace(/0+$/, '');
  if (frac !== '') frac = `.${frac}`;
  return `${whole}${frac}`;
}

export function formatGoDuration(ns: number): string {
  if (!Number.isInteger(ns)) ns = Math.trunc(ns);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const u = Math.abs(ns);
  if (u < 1e3) return `${sign}${u}ns`;
  if (u < 1e6) return `${sign}${withFraction(u, 3)}µs`;
  if (u < 1e9) return `${sign}${withFraction(u, 6)}ms`;
  const secondsNs = u % 60e9;
  const totalMinutes = Math.floor(u / 60e9);
  const seconds = `${withFraction(secondsNs, 9)}s`;
  if (totalMinutes === 0) return `${sign}${seconds}`;
  const minutes = `${totalMinutes % 60}m`;
  const hours = Math.floor(totalMinutes / 60);
  return `${sign}${hours > 0 ? `${hours}h` : ''}${minutes}${seconds}`;
}
