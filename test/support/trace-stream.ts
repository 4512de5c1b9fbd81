/** Reads the admin listener's `/trace` Server-Sent Events as trace events, for tests. */
import type { TraceEvent } from '../../engine/trace/events.ts';

/** Collects `data:` frames from `body` until `enough(events)` holds or the stream ends. */
export async function readTraceStream(body: AsyncIterable<unknown>, enough: (events: TraceEvent[]) => boolean): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  let text = '';
  for await (const chunk of body) {
    text += String(chunk);
    const frames = text.split('\n\n');
    // The last piece may be a frame cut in half: keep it for the next chunk.
    text = frames.pop() ?? '';
    for (const f of frames) if (f.startsWith('data: ')) events.push(JSON.parse(f.slice(6)) as TraceEvent);
    if (enough(events)) break;
  }
  return events;
}
