import { describe, expect, it } from 'vitest';
import { backendEmptyText, bodyForDisplay, clientTries, endVerb, responseEmptyText } from './inspector-words.ts';

const gaveUp = { endT: 39_274, status: 0, source: 'client' as const };
const front = { endT: 8_191, status: 502, source: 'front' as const };
const gateway = { endT: 2_000, status: 401, source: 'gateway' as const };
const inFlight = { endT: Infinity, status: null, source: null };

describe("the inspector's words for who ended a request", () => {
  it('says the client gave up waiting, not that it was answered', () => {
    expect(endVerb(gaveUp)).toBe('gave up at');
    expect(endVerb(gateway)).toBe('answered');
    expect(endVerb(front)).toBe('answered');
  });

  it('says "No response yet." only while one may still come', () => {
    expect(responseEmptyText(inFlight)).toBe('No response yet.');
    expect(responseEmptyText(gaveUp)).toBe('None: the client stopped waiting before an answer came.');
    expect(responseEmptyText(front)).toBe('The front balancer answered 502 itself; gatelab does not model its headers.');
    expect(responseEmptyText(gateway)).toBe('Not recorded at this trace level.');
  });

  it('names who answered before the request went upstream: the gateway, the front balancer or nobody yet', () => {
    expect(backendEmptyText(gateway, false)).toBe('Never sent upstream: the gateway answered itself.');
    expect(backendEmptyText(front, false)).toBe('Never sent upstream: the front balancer answered 502 before the gateway could.');
    expect(backendEmptyText(gaveUp, false)).toBe('Never sent upstream: the client gave up first.');
    expect(backendEmptyText(inFlight, false)).toBe('Not sent upstream by the cursor.');
    expect(backendEmptyText(gaveUp, true)).toBe('Sent without headers in this trace level.');
  });

  it("reads a client retry's id (<id>.retry<k>) as try k+1 and lists the earlier tries the run has", () => {
    const have = new Set(['partner-700', 'partner-700.retry1', 'partner-700.retry2', 'partner-700.retry3']);
    expect(clientTries('partner-700.retry3', (id) => have.has(id))).toEqual({ attempt: 3, first: 'partner-700', earlier: ['partner-700', 'partner-700.retry1', 'partner-700.retry2'] });
    expect(clientTries('partner-700.retry1', (id) => have.has(id))?.earlier).toEqual(['partner-700']);
    expect(clientTries('partner-700', (id) => have.has(id))).toBeNull();
    // A try the trace does not hold (a cut trace) is left out rather than linked to nothing.
    expect(clientTries('a.retry2', (id) => id === 'a')?.earlier).toEqual(['a']);
  });

  it('lays a one-line JSON body out one field per line, and leaves other bodies as sent', () => {
    const breaker = '{"message":"Service unavailable: the circuit breaker is open","state":"OPEN","retry_after_ms":1420}';
    const shown = bodyForDisplay(breaker);
    expect(shown.reformatted).toBe(true);
    expect(shown.text.split('\n')).toEqual(['{', '  "message": "Service unavailable: the circuit breaker is open",', '  "state": "OPEN",', '  "retry_after_ms": 1420', '}']);
    const kong = '{\n  "message":"No API key found in request"\n}';
    expect(bodyForDisplay(kong)).toEqual({ text: kong, reformatted: false });
    expect(bodyForDisplay('The upstream server is timing out')).toEqual({ text: 'The upstream server is timing out', reformatted: false });
    expect(bodyForDisplay('{not json')).toEqual({ text: '{not json', reformatted: false });
  });
});
