/**
 * A number typed with the unit its question asks in ("600 requests" in a box labelled "requests per
 * minute"). The engine reads the unit off before grading, so the lab, `gatelab check` and every other
 * caller of the grader take the same answers; the lab used to do this alone and the CLI disagreed.
 */

/** How people write each word of a unit after a number: "600 req/min", "600 requests a minute", "600 rpm". */
const UNIT_SPELLINGS: Record<string, readonly string[]> = {
  requests: ['requests', 'request', 'reqs', 'req', 'r'],
  per: ['per', '/', 'a', 'an', 'each', 'every'],
  minute: ['minute', 'minutes', 'min', 'mins', 'm'],
  second: ['second', 'seconds', 'sec', 'secs', 's'],
  hour: ['hour', 'hours', 'hr', 'h'],
};

/**
 * A number answer without the unit the question asks in, when that is all that follows the number:
 * "600 requests" and "600/min" for "requests per minute" were graded wrong, "not a number", although
 * the input is labelled with that very unit. Only the question's own unit goes: "600 per second"
 * keeps its words, so it is still read as no number of requests per minute and never as 600.
 */
export function withoutUnit(input: { type: string; unit?: string }, value: string): string {
  if (input.type !== 'number' || !input.unit) return value;
  const allowed = new Set<string>();
  for (const word of input.unit.toLowerCase().split(/\s+/)) for (const s of UNIT_SPELLINGS[word] ?? [word]) allowed.add(s);
  // "rpm" and "rps" are whole units of their own, said only when the unit is exactly that.
  const unit = input.unit.toLowerCase();
  if (unit === 'requests per minute') allowed.add('rpm');
  if (unit === 'requests per second') allowed.add('rps');
  const m = /^\s*([+-]?[\d.,_ ]*\d\.?)\s*([^\d]*)$/.exec(value);
  if (!m) return value;
  const [, number = '', rest = ''] = m;
  const words = rest.toLowerCase().split(/\s+|(?=\/)|(?<=\/)/).filter(Boolean);
  return words.length > 0 && words.every((w) => allowed.has(w)) ? number.trim() : value;
}
