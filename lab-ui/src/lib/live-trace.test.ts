import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../engine/trace/events.ts';
import { LiveTrace, parseTraceData, shouldFollow, splitSse, traceUrl } from './live-trace.ts';

const ev = (t: number, req = `r-${t}`): TraceEvent => ({ type: 'request.end', t, req, status: 200, bytes: 1, durationMs: 1 }) as unknown as TraceEvent;

describe('traceUrl', () => {
  it('accepts an admin URL with or without scheme and trailing slash', () => {
    expect(traceUrl('http://127.0.0.1:8001')).toBe('http://127.0.0.1:8001/trace');
    expect(traceUrl('http://127.0.0.1:8001/')).toBe('http://127.0.0.1:8001/trace');
    expect(traceUrl(' 127.0.0.1:9000 ')).toBe('http://127.0.0.1:9000/trace');
    expect(traceUrl('https://gw.example/admin/')).toBe('https://gw.example/admin/trace');
  });
  it('rejects what is not an http URL', () => {
    expect(traceUrl('')).toBeNull();
    expect(traceUrl('ftp://x')).toBeNull();
    expect(traceUrl('http://')).toBeNull();
  });
});

describe('parsing the stream', () => {
  it('keeps trace events and drops junk', () => {
    expect(parseTraceData('{"type":"request.start","t":5}')).toMatchObject({ type: 'request.start', t: 5 });
    expect(parseTraceData('not json')).toBeNull();
    expect(parseTraceData('{"t":5}')).toBeNull();
    expect(parseTraceData('{"type":"x","t":"5"}')).toBeNull();
    expect(parseTraceData('null')).toBeNull();
  });
  it('splits SSE frames and keeps an unfinished one for the next chunk', () => {
    const a = splitSse('data: {"a":1}\n\n: comment\n\ndata: {"b"');
    expect(a).toEqual({ data: ['{"a":1}'], rest: 'data: {"b"' });
    const b = splitSse(`${a.rest}:2}\r\n\r\n`);
    expect(b).toEqual({ data: ['{"b":2}'], rest: '' });
  });
});

describe('LiveTrace', () => {
  it('batches: nothing visible until a flush, then one snapshot for many events', () => {
    const lt = new LiveTrace();
    expect(lt.flush()).toBeNull();
    lt.push(ev(1));
    lt.push(ev(2));
    expect(lt.waiting).toBe(2);
    expect(lt.size).toBe(0);
    expect(lt.flush()?.map((e) => e.t)).toEqual([1, 2]);
    expect(lt.flush()).toBeNull();
  });
  it('drops repeats a reconnect replays, and restores time order', () => {
    const lt = new LiveTrace();
    lt.push(ev(1));
    lt.push(ev(5));
    lt.flush();
    lt.push(ev(1));
    lt.push(ev(5));
    lt.push(ev(3));
    expect(lt.flush()?.map((e) => e.t)).toEqual([1, 3, 5]);
  });
  it('keeps at most cap events, oldest dropped first, and counts them', () => {
    const lt = new LiveTrace(3);
    for (let t = 0; t < 5; t++) lt.push(ev(t));
    expect(lt.flush()?.map((e) => e.t)).toEqual([2, 3, 4]);
    expect(lt.dropped).toBe(2);
    // A dropped event may come back only if the proxy resends it; it is then new to the ring again.
    lt.push(ev(5));
    expect(lt.flush()?.map((e) => e.t)).toEqual([3, 4, 5]);
    expect(lt.dropped).toBe(3);
  });
  it('follows only while the cursor sits at the end', () => {
    expect(shouldFollow(100, 100)).toBe(true);
    expect(shouldFollow(0, 0)).toBe(true);
    expect(shouldFollow(40, 100)).toBe(false);
  });
});
