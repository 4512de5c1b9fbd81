/**
 * A sink that keeps no event (`retainsEvents: false`) is handed one decision object, refilled for
 * every decision; any other sink gets a fresh object each time. Either way the JSON of each decision
 * (what the trace hash reads) must be the same text, in the same order: a field the previous decision
 * had and this one has not (a reply's status, data) must not show.
 */
import { describe, expect, it } from 'vitest';
import { TraceCollector, toJsonl, type TraceSink } from '../trace/sink.ts';
import type { TraceEvent } from '../trace/events.ts';
import { Gateway } from './gateway.ts';
import { HeaderMap } from './headers.ts';
import type { UpstreamCall } from './host.ts';
import { KONG_ORDERS, kongIr, stubPipelineHost } from './test-kit.ts';

const CONFIG = `${KONG_ORDERS}        plugins:
          - name: key-auth
          - name: request-transformer
            config: { add: { headers: ["x-platform:edge"] } }
consumers:
  - username: ann
    keyauth_credentials: [{ key: ann-key }]
`;

/** Counts what it is given and keeps only the JSON text, as the simulator's hashing sink does. */
class ForgetfulSink implements TraceSink {
  readonly level = 'decisions' as const;
  readonly retainsEvents = false;
  readonly lines: string[] = [];
  readonly objects = new Set<TraceEvent>();
  private readonly filter = new TraceCollector('decisions');

  wants(type: TraceEvent['type']): boolean {
    return this.filter.wants(type);
  }

  emit(event: TraceEvent): void {
    this.objects.add(event);
    this.lines.push(`${JSON.stringify(event)}\n`);
  }
}

/** Requests that decide with and without data, with a reply (401, 404) between answered ones. */
const PATHS_AND_KEYS: Array<[string, string | undefined]> = [
  ['/orders/1', 'ann-key'],
  ['/orders/2', undefined],
  ['/orders/3', 'ann-key'],
  ['/nowhere', 'ann-key'],
  ['/orders/4', 'wrong'],
  ['/orders/5', 'ann-key'],
];

async function run(sink: TraceSink): Promise<void> {
  const gw = new Gateway(kongIr(CONFIG), 'gw-0', 0);
  const host = stubPipelineHost({
    sink,
    callUpstream: (_call: UpstreamCall, done: (a: { ok: true; status: number; headers: HeaderMap }) => void) =>
      queueMicrotask(() => done({ ok: true, status: 200, headers: new HeaderMap([['content-length', '0']]) })),
  });
  for (const [i, [path, key]] of PATHS_AND_KEYS.entries()) {
    const headers = new HeaderMap([['host', 'api.test'], ...(key ? [['apikey', key] as [string, string]] : [])]);
    await new Promise<void>((resolve) =>
      gw.handle({ id: `r${i}`, method: 'GET', scheme: 'http', host: 'api.test', port: 80, path, query: '', headers, peerIp: '10.0.0.1' }, host, () => resolve()),
    );
  }
}

describe('decision events for a sink that keeps none', () => {
  it('serialise exactly as fresh events do, while one object carries them all', async () => {
    const keeping = new TraceCollector('decisions');
    const forgetful = new ForgetfulSink();
    await run(keeping);
    await run(forgetful);
    const decisions = keeping.events.filter((e): e is Extract<TraceEvent, { type: 'plugin.decision' }> => e.type === 'plugin.decision');
    // The requests above decide with a status (the 401s, the 404) and with and without data.
    expect(decisions.some((e) => e.status !== undefined)).toBe(true);
    expect(decisions.some((e) => e.data !== undefined)).toBe(true);
    expect(decisions.some((e) => e.data === undefined)).toBe(true);
    expect(forgetful.lines.join('')).toBe(toJsonl(keeping.events));
    const decisionObjects = [...forgetful.objects].filter((e) => e.type === 'plugin.decision');
    expect(decisionObjects).toHaveLength(1);
  });
});
