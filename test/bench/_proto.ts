import { EventQueue, PRIORITY } from '../../engine/core/event-queue.ts';
import { Rng } from '../../engine/core/rng.ts';

const LAMBDA = 3.2, MU = 1, C = 4;
function engine(n: number) {
  const q = new EventQueue(); const rng = new Rng(7, 'mm4');
  let busy = 0, waiting = 0, events = 0;
  const depart = (): void => { events++; if (waiting > 0) { waiting--; q.schedule(q.now + rng.exponential(1 / MU), PRIORITY.effect, depart, undefined); } else busy--; };
  const arrive = (): void => { events++; q.schedule(q.now + rng.exponential(1 / LAMBDA), PRIORITY.arrival, arrive, undefined);
    if (busy < C) { busy++; q.schedule(q.now + rng.exponential(1 / MU), PRIORITY.effect, depart, undefined); } else waiting++; };
  q.schedule(0, PRIORITY.arrival, arrive, undefined);
  const t0 = performance.now();
  while (events < n && q.step());
  return { events, s: (performance.now() - t0) / 1000, now: q.now };
}
function raw(n: number) {
  const rng = new Rng(7, 'mm4');
  const times = new Float64Array(16); const kinds = new Uint8Array(16); let size = 0;
  const push = (t: number, k: number) => { let i = size++; while (i > 0) { const p = (i - 1) >> 1; if (times[p]! <= t) break; times[i] = times[p]!; kinds[i] = kinds[p]!; i = p; } times[i] = t; kinds[i] = k; };
  let busy = 0, waiting = 0, events = 0, now = 0;
  push(0, 0);
  const t0 = performance.now();
  while (events < n && size > 0) {
    now = times[0]!; const kind = kinds[0]!; size--;
    const lt = times[size]!, lk = kinds[size]!; let i = 0;
    for (;;) { let c = 2 * i + 1; if (c >= size) break; if (c + 1 < size && times[c + 1]! < times[c]!) c++; if (times[c]! >= lt) break; times[i] = times[c]!; kinds[i] = kinds[c]!; i = c; }
    times[i] = lt; kinds[i] = lk;
    events++;
    if (kind === 0) { push(now + rng.exponential(1 / LAMBDA), 0); if (busy < C) { busy++; push(now + rng.exponential(1 / MU), 1); } else waiting++; }
    else { if (waiting > 0) { waiting--; push(now + rng.exponential(1 / MU), 1); } else busy--; }
  }
  return { events, s: (performance.now() - t0) / 1000, now };
}
for (let r = 0; r < 4; r++) { const e = engine(2e6), w = raw(2e6); console.log((e.events/e.s/1e6).toFixed(2), (w.events/w.s/1e6).toFixed(2), (e.events/e.s/(w.events/w.s)).toFixed(2), e.now === w.now); }
