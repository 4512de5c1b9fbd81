/**
 * A few words beside a charted decision field whose name alone misleads. Kong's rate-limiting reports
 * `usage` as the count before the request it decides and `remaining` as what is left after it (the
 * X-RateLimit-Remaining it sends), so at the limit the chart reads "usage 99" beside "remaining 0":
 * both true, of different moments. Every other field charts with its name alone.
 */
const NOTES: Readonly<Record<string, string>> = {
  'rate-limit.usage': 'counted before the request',
  'rate-limit.remaining': 'left after the request',
};

export function fieldNote(plugin: string, field: string): string | undefined {
  return NOTES[`${plugin}.${field}`];
}
