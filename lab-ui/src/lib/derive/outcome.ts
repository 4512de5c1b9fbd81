/**
 * How a request turned out, in the six words the lab uses everywhere (dots, charts, rows). Colours
 * are from the Okabe–Ito palette so they stay distinct for colour-blind students; every view also
 * writes the word or the status, so colour is never the only signal.
 */
export type Outcome = 'ok' | 'rejected' | 'upstream-error' | 'gateway-error' | 'gave-up' | 'in-flight';

export const OUTCOMES: readonly Outcome[] = ['ok', 'rejected', 'upstream-error', 'gateway-error', 'gave-up', 'in-flight'];

export const OUTCOME_LABEL: Record<Outcome, string> = {
  ok: 'admitted',
  rejected: 'rejected by the gateway',
  'upstream-error': 'backend error',
  'gateway-error': 'gateway error',
  'gave-up': 'client gave up',
  'in-flight': 'in flight',
};

export const OUTCOME_COLOR: Record<Outcome, string> = {
  ok: '#0f8a6a',
  rejected: '#c8501a',
  'upstream-error': '#b88a00',
  'gateway-error': '#a34d8c',
  'gave-up': '#1a1a1a',
  'in-flight': '#6b7a8f',
};

/**
 * Who answered decides the outcome: a reply from the gateway with a 4xx is a rejection (429, 401,
 * 403), a 5xx from the gateway is its own failure (502, 504); anything the backend sent is admitted,
 * and a backend 5xx is the backend's error. `refused`: a limiter turned the request away on purpose
 * whatever status it chose — nginx limit_req answers 503 by default (semantics §2), and a student
 * reading "gateway error 27, rejected 0" for nginx would learn that its limiter broke.
 */
export function outcomeOf(status: number | null, source: 'upstream' | 'gateway' | 'front' | 'client' | null, refused = false): Outcome {
  if (status === null || source === null) return 'in-flight';
  // The client's own timeout: it stopped waiting, whatever the gateway did later.
  if (source === 'client') return 'gave-up';
  // The front balancer's own answers (its timeout, a refused or reset connection) are the gateway tier failing.
  if (source === 'front') return 'gateway-error';
  if (source === 'gateway') return refused || (status >= 400 && status < 500) ? 'rejected' : status >= 500 ? 'gateway-error' : 'ok';
  return status >= 500 ? 'upstream-error' : 'ok';
}
