/**
 * Slow clients on the real proxy: a header block or a body that does not arrive within the limits
 * gets 408 with a GL_E_CLIENT_TOO_SLOW body and the connection closed (Node's headersTimeout and
 * requestTimeout, checked often enough by the listener options). The limits here are short so the
 * suite stays quick; the outcome asserted is the status, not a duration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sendRaw, startHardenedProxy, stillServes, type HardenedProxy } from './harness.ts';

let gw: HardenedProxy | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const LIMITS = { headersTimeoutMs: 300, requestTimeoutMs: 600 };

describe('slow clients', () => {
  it('a header block that never finishes (slowloris) → 408 and close; nothing reaches the upstream', async () => {
    gw = await startHardenedProxy({ limits: LIMITS });
    const answer = await sendRaw(gw.port, ['GET /public/x HTTP/1.1\r\n', 'Host: api.example.com\r\n', 'X-A: 1\r\n'], { pauseMs: 150, waitMs: 4000 });
    expect(answer.statuses).toEqual([408]);
    expect(answer.closedByProxy).toBe(true);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'GL_E_CLIENT_TOO_SLOW' });
    expect(gw.upstream.complete).toEqual([]);
    expect(await stillServes(gw.port)).toBe(200);
  });

  it('a body that stops half way → 408 and close; the upstream never gets a complete request', async () => {
    gw = await startHardenedProxy({ limits: LIMITS });
    const answer = await sendRaw(gw.port, 'POST /public/upload HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 100\r\n\r\nonly-part', { waitMs: 4000 });
    expect(answer.statuses).toEqual([408]);
    expect(answer.closedByProxy).toBe(true);
    expect(gw.upstream.complete).toEqual([]);
    expect(await stillServes(gw.port)).toBe(200);
  });

  it('a client that is slow but within the limits is served', async () => {
    gw = await startHardenedProxy({ limits: { headersTimeoutMs: 2000, requestTimeoutMs: 4000 } });
    const answer = await sendRaw(gw.port, ['GET /public/x HTTP/1.1\r\n', 'Host: api.example.com\r\n', 'Connection: close\r\n\r\n'], { pauseMs: 100 });
    expect(answer.statuses).toEqual([200]);
  });
});
