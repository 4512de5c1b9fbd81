// The one-write path of UpstreamBody on a real socket: a whole body that arrives in one chunk behind a
// head set by writeHead is ended with the head as one Latin-1 string. The client must get exactly the
// bytes of the path that writes the Buffer and ends after it (any byte value, any length around the
// cap, the chunk arriving before or after the body is attached, a declared length that does not match).
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { GatewayResponse } from '../../pipeline/types.ts';
import { sendGatewayBody, writeGatewayHead } from './response-writer.ts';
import { ONE_WRITE_MAX_BYTES, UpstreamBody } from './upstream-body.ts';
import { rawGet as rawGetAt } from '../../../test/support/raw-get.ts';

const rawGet = (path: string): Promise<Buffer> => rawGetAt(port, path);

const seed = Number(process.env['FC_SEED'] ?? 20_261_127);
console.log(`[fast-check] upstream-body one-write seed=${seed} (replay: FC_SEED=${seed})`);

interface Case {
  body: Buffer;
  /** The Content-Length the head declares (the body's length, or not). */
  declared: number;
  /** The chunk arrives before the body is attached to the response (held), or after. */
  early: boolean;
}

let current: Case | undefined;
let port = 0;

/** Serves `current` through UpstreamBody: `?one` with the Content-Length passed on, `?old` as before (-1). */
const server = createServer((req, res) => {
  const c = current as Case;
  const body = new UpstreamBody(
    () => undefined,
    () => undefined,
  );
  const response: GatewayResponse = {
    status: 200,
    source: 'upstream',
    headers: new HeaderMap([
      ['Content-Type', 'application/octet-stream'],
      ['content-length', String(c.declared)],
      ['X-Note', 'caf\u00e9'],
    ]),
    stream: body,
  };
  const feed = (): void => {
    if (c.body.length > 0) body.accept(c.body);
    body.end();
  };
  if (c.early) feed();
  if (!writeGatewayHead(res, response)) return;
  if ((req.url ?? '').endsWith('?one')) sendGatewayBody(res, response);
  else body.sendTo(res as ServerResponse, -1);
  if (!c.early) feed();
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const caseArb: fc.Arbitrary<Case> = fc
  .tuple(
    fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: ONE_WRITE_MAX_BYTES - 2, maxLength: ONE_WRITE_MAX_BYTES + 2 })),
    fc.boolean(),
    fc.constantFrom(0, 0, 0, 1, -1),
  )
  .map(([bytes, early, off]) => ({ body: Buffer.from(bytes), early, declared: Math.max(0, bytes.length + off) }));

describe('UpstreamBody one write', () => {
  it('puts the same bytes on the wire as writing the Buffer and ending after it', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        // A declared length above the body would leave the answer waiting for bytes that never come.
        fc.pre(c.declared <= c.body.length);
        current = c;
        const one = await rawGet('/x?one');
        const old = await rawGet('/x?old');
        expect(one.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        expect(one.equals(old)).toBe(true);
      }),
      { seed, numRuns: 60 },
    );
  });

  it('pins a body with every byte value', async () => {
    const body = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    current = { body, declared: body.length, early: false };
    const one = await rawGet('/x?one');
    expect(one.equals(await rawGet('/x?old'))).toBe(true);
    expect(one.subarray(one.length - 256).equals(body)).toBe(true);
  });
});
