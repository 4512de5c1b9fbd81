/**
 * Kubernetes quantities and int-or-percent values, as k8s.io/apimachinery reads them:
 * - resource.Quantity: a decimal number with an optional suffix, binary (Ki Mi Gi Ti Pi Ei), decimal
 *   (m k M G T P E) or an exponent (1e3). CPU is kept in millicores ("250m" → 250, "1" → 1000), memory
 *   in bytes ("256Mi" → 268435456, "1G" → 1e9). The API server rounds CPU up to whole millicores.
 * - intstr.IntOrString: an integer or "N%"; GetScaledValueFromIntOrPercent scales a percentage by a
 *   total and rounds up or down as the caller asks (the Deployment controller rounds maxSurge up and
 *   maxUnavailable down; the disruption controller rounds both PDB fields up).
 */

export type IntOrPercent = { kind: 'int'; value: number } | { kind: 'percent'; value: number };

const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E))?$/;

/** The quantity in base units (cores, bytes), or undefined when the API server would refuse it. */
export function parseQuantity(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const m = QUANTITY.exec(raw.trim());
  if (!m) return undefined;
  const [, sign, digits, exp, suffix] = m;
  const base = Number(digits) * (sign === '-' ? -1 : 1);
  if (exp) return base * 10 ** Number(exp.slice(1));
  return base * (SUFFIX[suffix ?? ''] ?? 1);
}

/** CPU in millicores, rounded up as the API server does ("0.0001" → 1m). */
export function parseCpuMillis(raw: unknown): number | undefined {
  const q = parseQuantity(raw);
  return q === undefined || q < 0 ? undefined : Math.ceil(Math.round(q * 1e6) / 1e3);
}

/** Memory in bytes (fractions of a byte round up, like the API server's canonical form). */
export function parseMemoryBytes(raw: unknown): number | undefined {
  const q = parseQuantity(raw);
  return q === undefined || q < 0 ? undefined : Math.ceil(q - 1e-9);
}

/** An IntOrString field, or undefined when it is neither a non-negative integer nor "N%". */
export function parseIntOrPercent(raw: unknown): IntOrPercent | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 0 ? { kind: 'int', value: raw } : undefined;
  if (typeof raw !== 'string') return undefined;
  const m = /^(\d+)%$/.exec(raw);
  if (m) return { kind: 'percent', value: Number(m[1]) };
  // A string without "%" is refused by GetScaledValueFromIntOrPercent ("invalid value for IntOrString").
  return undefined;
}

/** intstr.GetScaledValueFromIntOrPercent: a percentage of `total`, rounded up or down. */
export function scaleIntOrPercent(v: IntOrPercent, total: number, roundUp: boolean): number {
  if (v.kind === 'int') return v.value;
  // Integer arithmetic first (value×total/100) so 25% of 4 is exactly 1, not 0.99999.
  const scaled = (v.value * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

export function formatIntOrPercent(v: IntOrPercent): string {
  return v.kind === 'int' ? String(v.value) : `${v.value}%`;
}
