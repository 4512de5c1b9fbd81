/**
 * The resilience fields of the format: a client's timeout and retry loop, a backend's worker limit and
 * queue, and the degrade event. Each loads to the typed value types.ts declares (absent fields stay
 * absent: traces are hashed), and each mistake names its line and column with a fix.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../core/errors.ts';
import { applyVariant, loadScenarioText } from './load.ts';
import { RETRY_DEFAULTS } from './convert-models.ts';
import type { Scenario } from './types.ts';

const HEAD = `id: x
title: t
topic: resilience
summary: s
start: 2026-01-01T12:00:00Z
duration: 2m
gateway:
  config: { _format_version: "3.0" }
`;
// Line 9 onwards.
const CLIENT = `clients:
  - id: partner
    ip: 203.0.113.9
    request: { url: http://api.example.com/pay }
    traffic: [ { constant: { rate: 50/s } } ]
`;
// Line 14 onwards (after HEAD + CLIENT).
const BACKEND = `backends:
  - name: payments
    latency: 20ms
`;

function load(text: string): { scenario?: Scenario; diagnostics: Diagnostic[] } {
  return loadScenarioText(text, 'case.yaml', () => {
    throw new Error('no such file');
  });
}

function loaded(text: string): Scenario {
  const r = load(text);
  expect(r.diagnostics).toEqual([]);
  if (!r.scenario) throw new Error('the scenario did not load');
  return r.scenario;
}

/** Where, which code, what it says and the hint; severity only when it is not an error. */
function brief(d: Diagnostic): string[] {
  return [`${d.loc?.line}:${d.loc?.col}`, ...(d.severity === 'error' ? [] : [d.severity]), d.code, d.message, d.hint ?? ''];
}

const briefs = (text: string): string[][] => load(text).diagnostics.map(brief);

/** The client above with extra lines at its indentation (line 14 onwards). */
const client = (extra: string): string => `${HEAD}${CLIENT}${extra}`;

describe('client timeout and retry', () => {
  it('loads the example from the docs', () => {
    const s = loaded(
      client(`    timeout: 2s
    retry:
      attempts: 3
      on: [502, 503, 504]
      backoff: { base: 100ms, max: 2s, jitter: 0.5 }
`),
    );
    expect(s.clients[0]).toEqual({
      id: 'partner',
      ip: '203.0.113.9',
      request: { method: 'GET', url: 'http://api.example.com/pay', headers: [] },
      traffic: [{ kind: 'constant', rate: 50, fromMs: 0, toMs: 120_000 }],
      timeoutMs: 2000,
      retry: { attempts: 3, onStatuses: [502, 503, 504], backoff: { baseMs: 100, maxMs: 2000, jitter: 0.5 } },
    });
  });

  it('fills retry defaults, and leaves absent fields absent (not undefined)', () => {
    const s = loaded(client('    retry: { attempts: 2 }\n'));
    const c = s.clients[0] as NonNullable<Scenario['clients'][0]>;
    expect(c.retry).toEqual({ attempts: 2, onStatuses: [500, 502, 503, 504], backoff: { baseMs: 100, maxMs: 10_000, jitter: 0 } });
    expect(Object.keys(c)).not.toContain('timeoutMs');
    expect(c.retry?.onStatuses).not.toBe(RETRY_DEFAULTS.onStatuses);
    const plain = loaded(`${HEAD}${CLIENT}`).clients[0];
    expect(Object.keys(plain ?? {})).toEqual(['id', 'ip', 'request', 'traffic']);
  });

  it('takes part of a backoff, the number 0, and an empty on list beside a timeout', () => {
    const s = loaded(client('    timeout: 1m30s\n    retry: { attempts: 0, on: [], backoff: { base: 0 } }\n'));
    expect(s.clients[0]?.timeoutMs).toBe(90_000);
    expect(s.clients[0]?.retry).toEqual({ attempts: 0, onStatuses: [], backoff: { baseMs: 0, maxMs: 10_000, jitter: 0 } });
  });

  it.each([
    ['a timeout that is not Go-style', '    timeout: 2 sec\n', ['14:14', 'GL_E_DURATION', "'2 sec' is not a duration", 'write Go-style durations such as 59s, 1m1s, 250ms']],
    ['a timeout without a unit', '    timeout: 2000\n', ['14:14', 'GL_E_DURATION', '2000 has no unit, so it is not a duration', 'add a unit, such as 2000s or 2000ms (Go-style durations: 59s, 1m1s, 250ms)']],
    ['a zero timeout', '    timeout: 0s\n', ['14:14', 'GL_E_DURATION', 'a client timeout must be longer than 0', 'give it a length such as 2s, or remove timeout to let the client wait forever']],
    ['a negative timeout', '    timeout: -1s\n', ['14:14', 'GL_E_DURATION', 'a duration cannot be negative, got -1s', 'remove the minus sign']],
    ['retry without attempts', '    retry:\n      on: [503]\n', ['15:7', 'GL_E_SCHEMA', "missing required field 'attempts' in retry", 'add attempts: extra tries after the first (0 never retries)']],
    ['attempts that are not a whole number', '    retry: { attempts: 1.5 }\n', ['14:24', 'GL_E_TYPE', 'expected an integer, got a number', 'write an integer here; attempts: extra tries after the first (0 never retries)']],
    ['negative attempts', '    retry: { attempts: -1 }\n', ['14:24', 'GL_E_SCHEMA', 'attempts must be at least 0, got -1', 'extra tries after the first (0 never retries)']],
    ['a status out of range', '    retry: { attempts: 1, on: [503, 600] }\n', ['14:37', 'GL_E_SCHEMA', 'on must be at most 599, got 600', 'an HTTP status (100 to 599)']],
    ['a timeout written as a status', '    retry: { attempts: 1, on: [0] }\n', ['14:32', 'GL_E_SCHEMA', 'on must be at least 100, got 0', 'an HTTP status (100 to 599)']],
    ['jitter above 1', '    retry: { attempts: 1, backoff: { jitter: 1.5 } }\n', ['14:46', 'GL_E_SCHEMA', 'jitter must be at most 1, got 1.5', 'fraction (0 to 1) of each wait that may be cut off at random, so clients drift apart; 0 waits exactly']],
    ['jitter below 0', '    retry: { attempts: 1, backoff: { jitter: -0.1 } }\n', ['14:46', 'GL_E_SCHEMA', 'jitter must be at least 0, got -0.1', 'fraction (0 to 1) of each wait that may be cut off at random, so clients drift apart; 0 waits exactly']],
    ['a misspelt backoff', '    retry: { attempts: 1, backof: { base: 1s } }\n', ['14:27', 'GL_E_UNKNOWN_FIELD', "unknown field 'backof'", "did you mean 'backoff'?"]],
    ['a misspelt retry', '    retires: { attempts: 1 }\n', ['14:5', 'GL_E_UNKNOWN_FIELD', "unknown field 'retires'", "did you mean 'retry'?"]],
    ['a backoff base that is not Go-style', '    retry: { attempts: 1, backoff: { base: 1 sec } }\n', ['14:44', 'GL_E_DURATION', "'1 sec' is not a duration", 'write Go-style durations such as 59s, 1m1s, 250ms']],
    ['base above max', '    retry: { attempts: 1, backoff: { base: 5s, max: 1s } }\n', ['14:53', 'GL_E_SCHEMA', 'backoff base 5s is above max 1s', 'max caps every wait, so base must not exceed it: lower base or raise max']],
    ['base above the default max', '    retry: { attempts: 1, backoff: { base: 20s } }\n', ['14:44', 'GL_E_SCHEMA', 'backoff base 20s is above the default max 10s', 'max caps every wait, so base must not exceed it: lower base or raise max']],
  ])('%s', (_name, extra, expected) => {
    expect(briefs(client(extra))).toEqual([expected]);
  });

  it('warns about a repeated status and a retry that can never happen, and still loads', () => {
    const r = load(client('    retry: { attempts: 2, on: [503, 503] }\n  - id: quiet\n    ip: 10.0.0.2\n    request: { url: http://api.example.com/ }\n    traffic: [{ at: [1s] }]\n    retry: { attempts: 1, on: [] }\n'));
    expect(r.diagnostics.map(brief)).toEqual([
      ['14:37', 'warning', 'GL_W_NO_EFFECT', 'status 503 is already listed', 'list each status once'],
      [
        '19:31',
        'warning',
        'GL_W_NO_EFFECT',
        'this retry never happens: on lists no status and the client has no timeout',
        'list the statuses to retry on, such as [502, 503], or give the client a timeout',
      ],
    ]);
    expect(r.scenario?.clients[0]?.retry?.onStatuses).toEqual([503]);
  });
});

describe('backend concurrency and queue', () => {
  it('loads both, and leaves them out when absent', () => {
    const s = loaded(`${HEAD}${CLIENT}${BACKEND}    concurrency: 50\n    queue: 200\n  - name: other\n    latency: 1ms\n    concurrency: 1\n    queue: 0\n  - name: plain\n    latency: 1ms\n`);
    expect(s.backends.map((b) => [b.name, b.concurrency, b.queue])).toEqual([
      ['payments', 50, 200],
      ['other', 1, 0],
      ['plain', undefined, undefined],
    ]);
    expect(Object.keys(s.backends[2] ?? {})).not.toContain('concurrency');
    expect(Object.keys(s.backends[2] ?? {})).not.toContain('queue');
    expect(loaded(`${HEAD}${CLIENT}${BACKEND}    concurrency: 4\n`).backends[0]).toEqual({
      name: 'payments',
      latency: { kind: 'constant', ms: 20 },
      errorRate: 0,
      errorStatus: 500,
      status: 200,
      headers: [],
      concurrency: 4,
    });
  });

  it.each([
    ['a queue without concurrency', '    queue: 200\n', ['17:5', 'GL_E_SCHEMA', 'queue needs concurrency beside it', 'requests queue only for a backend with a worker limit: add concurrency, or remove queue']],
    ['no workers at all', '    concurrency: 0\n', ['17:18', 'GL_E_SCHEMA', 'concurrency must be at least 1, got 0', 'how many requests the backend works on at once; more wait in its queue']],
    ['a negative queue', '    concurrency: 2\n    queue: -1\n', ['18:12', 'GL_E_SCHEMA', 'queue must be at least 0, got -1', 'how many requests may wait for a worker (needs concurrency); one more is answered 503 at once']],
    ['a fractional concurrency', '    concurrency: 2.5\n', ['17:18', 'GL_E_TYPE', 'expected an integer, got a number', "write an integer here; concurrency: how many requests the backend works on at once; more wait in its queue"]],
    ['a misspelt concurrency', '    concurency: 2\n', ['17:5', 'GL_E_UNKNOWN_FIELD', "unknown field 'concurency'", "did you mean 'concurrency'?"]],
  ])('%s', (_name, extra, expected) => {
    expect(briefs(`${HEAD}${CLIENT}${BACKEND}${extra}`)).toEqual([expected]);
  });

  it('checks a variant that adds a queue, at the patch line, naming the variant', () => {
    const text = `${HEAD}${CLIENT}${BACKEND}variants:
  queued:
    patch:
      backends:
        - name: payments
          latency: 20ms
          queue: 10
`;
    expect(briefs(text)).toEqual([
      ['23:11', 'GL_E_SCHEMA', "variant 'queued': queue needs concurrency beside it", 'requests queue only for a backend with a worker limit: add concurrency, or remove queue'],
    ]);
  });
});

describe('degrade events', () => {
  const events = (lines: string): string => `${HEAD}${CLIENT}${BACKEND}events:\n${lines}`;

  it('loads every change, a default duration until the end, and sorts with the other events', () => {
    const s = loaded(
      events(`  - at: 30s
    degrade:
      backend: payments
      duration: 90s
      errorRate: 1
      errorStatus: 503
      latency: { lognormal: { p50: 200ms, p99: 2s } }
  - at: 10s
    degrade: { backend: payments, latency: 500ms }
  - at: 10s
    outage: { backend: payments, duration: 1s }
  - at: 1m
    degrade: { backend: payments, errorStatus: 502 }
`),
    );
    expect(s.events).toEqual([
      { kind: 'degrade', atMs: 10_000, target: 'payments', durationMs: Infinity, change: { latency: { kind: 'constant', ms: 500 } } },
      { kind: 'outage', atMs: 10_000, target: 'payments', durationMs: 1000 },
      {
        kind: 'degrade',
        atMs: 30_000,
        target: 'payments',
        durationMs: 90_000,
        change: { errorRate: 1, errorStatus: 503, latency: { kind: 'lognormal', p50Ms: 200, p99Ms: 2000 } },
      },
      { kind: 'degrade', atMs: 60_000, target: 'payments', durationMs: Infinity, change: { errorStatus: 502 } },
    ]);
    const only = s.events[3];
    expect(only?.kind === 'degrade' && Object.keys(only.change)).toEqual(['errorStatus']);
  });

  it.each([
    ['no change', '  - at: 30s\n    degrade: { backend: payments, duration: 5s }\n', ['19:5', 'GL_E_SCHEMA', 'degrade changes nothing', 'add at least one of errorRate, errorStatus, latency']],
    ['a misspelt backend', '  - at: 30s\n    degrade: { backend: paymnets, errorRate: 1 }\n', ['19:25', 'GL_E_SCHEMA', "unknown backend 'paymnets'", "did you mean 'payments'?"]],
    ['an unrelated backend', '  - at: 30s\n    degrade: { backend: ledger, errorRate: 1 }\n', ['19:25', 'GL_E_SCHEMA', "unknown backend 'ledger'", 'name one of the scenario backends']],
    ['the counter store', '  - at: 30s\n    degrade: { backend: redis, errorRate: 1 }\n', ['19:25', 'GL_E_SCHEMA', "unknown backend 'redis'", 'degrade changes a declared backend; take the counter store down with an outage instead']],
    ['an error rate above 1', '  - at: 30s\n    degrade: { backend: payments, errorRate: 2 }\n', ['19:46', 'GL_E_SCHEMA', 'errorRate must be at most 1, got 2', 'fraction (0 to 1) of requests answered with the error status while degraded, in place of the backend\'s own errorRate']],
    ['a status out of range', '  - at: 30s\n    degrade: { backend: payments, errorStatus: 99 }\n', ['19:48', 'GL_E_SCHEMA', 'errorStatus must be at least 100, got 99', "status of an error answer while degraded, in place of the backend's own errorStatus"]],
    ['a latency model with no kind', '  - at: 30s\n    degrade: { backend: payments, latency: {} }\n', ['19:44', 'GL_E_SCHEMA', 'a latency model needs exactly one of uniform, normal, lognormal', 'add one of: uniform, normal, lognormal']],
    ['a latency range upside down', '  - at: 30s\n    degrade: { backend: payments, latency: { uniform: [2s, 1s] } }\n', ['19:55', 'GL_E_SCHEMA', 'uniform range [2s, 1s] has min above max', 'write [min, max]']],
    ['a duration that is not Go-style', '  - at: 30s\n    degrade: { backend: payments, errorRate: 1, duration: 5 min }\n', ['19:59', 'GL_E_DURATION', "'5 min' is not a duration", 'write Go-style durations such as 59s, 1m1s, 250ms']],
    ['a misspelt change', '  - at: 30s\n    degrade: { backend: payments, errorrate: 1 }\n', ['19:35', 'GL_E_UNKNOWN_FIELD', "unknown field 'errorrate'", "did you mean 'errorRate'?"]],
    ['no backend', '  - at: 30s\n    degrade: { errorRate: 1 }\n', ['19:14', 'GL_E_SCHEMA', "missing required field 'backend' in degrade", 'add backend: the backend name']],
    ['an outage and a degrade in one item', '  - at: 30s\n    outage: { backend: payments }\n    degrade: { backend: payments, errorRate: 1 }\n', ['20:5', 'GL_E_SCHEMA', 'an event has outage and degrade, but needs exactly one', 'write each event as its own list item']],
    ['no kind at all', '  - at: 30s\n', ['18:5', 'GL_E_SCHEMA', 'an event needs exactly one of outage, config, degrade, deploy, drain', 'add one of: outage, config, degrade, deploy, drain']],
    ['a misspelt degrade', '  - at: 30s\n    degrad: { backend: payments, errorRate: 1 }\n', ['19:5', 'GL_E_UNKNOWN_FIELD', "unknown field 'degrad'", "did you mean 'degrade'?"]],
  ])('%s', (_name, lines, expected) => {
    expect(briefs(events(lines))).toEqual([expected]);
  });

  it('reports every problem of one degrade at once', () => {
    expect(briefs(events('  - at: 3m\n    degrade: { backend: paymnets, duration: -1s }\n')).map((b) => b.slice(0, 3))).toEqual([
      ['18:9', 'GL_E_INSTANT', '3m is after the end of the run (duration 2m0s)'],
      ['19:5', 'GL_E_SCHEMA', 'degrade changes nothing'],
      ['19:25', 'GL_E_SCHEMA', "unknown backend 'paymnets'"],
      ['19:45', 'GL_E_DURATION', 'a duration cannot be negative, got -1s'],
    ]);
  });

  it('survives a variant that turns the outage into a degrade', () => {
    const text = `${events('  - at: 30s\n    outage: { backend: payments }\n')}variants:
  slow-not-down:
    patch:
      events:
        - at: 30s
          degrade: { backend: payments, latency: { uniform: [1s, 3s] } }
`;
    const base = loaded(text);
    const v = applyVariant(base, 'slow-not-down');
    expect(v.diagnostics).toEqual([]);
    expect(v.scenario?.events).toEqual([
      { kind: 'degrade', atMs: 30_000, target: 'payments', durationMs: Infinity, change: { latency: { kind: 'uniform', minMs: 1000, maxMs: 3000 } } },
    ]);
  });
});
