/**
 * The proxy host's answer to a `read-body` effect (Traefik's forwardBody): the client's request body
 * read from its stream, at most `maxBytes` bytes (-1: all of it). Past the limit the read stops and
 * the answer is `bodyTooLarge`, as Traefik reads maxBodySize + 1 bytes and refuses more; the rest is
 * left to Node, which discards it once the response is sent. Otherwise `value` holds the bytes as a
 * Buffer, which the plugin puts in place of the consumed stream so the backend gets the same bytes
 * (and a retry can send them again).
 */
import type { Readable } from 'node:stream';
import type { EffectResult } from '../../pipeline/types.ts';

/**
 * `source` is the client's stream, or — when an earlier plugin read it already — the bytes it left in
 * the stream's place (a Buffer), or a body the pipeline holds as text.
 */
export function readClientBody(source: unknown, maxBytes: number): Promise<EffectResult> {
  if (Buffer.isBuffer(source) || typeof source === 'string') return Promise.resolve(heldBody(Buffer.from(source), maxBytes));
  const stream = source as Readable;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (result: EffectResult): void => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (maxBytes >= 0 && bytes > maxBytes) {
        stream.pause();
        settle({ ok: true, bodyTooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      const body = Buffer.concat(chunks, bytes);
      settle({ ok: true, body: body.toString('utf8'), value: body });
    };
    const onError = (e: unknown): void => settle({ ok: false, error: `reading the request body failed: ${String(e)}` });
    if (stream.readableEnded) return onEnd();
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

function heldBody(body: Buffer, maxBytes: number): EffectResult {
  if (maxBytes >= 0 && body.length > maxBytes) return { ok: true, bodyTooLarge: true };
  return { ok: true, body: body.toString('utf8'), value: body };
}
