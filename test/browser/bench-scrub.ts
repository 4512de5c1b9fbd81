/**
 * The scrub both browser benchmarks run in the page: move the timeline across the run, one step per
 * animation frame as a dragged slider would, 120 steps. Passed as text: tsx would otherwise wrap a
 * function with helpers the page does not have.
 *
 * Two numbers per step, because they answer different questions:
 * - `intervals`: the time between animation frames. At 60 Hz a frame that fits its budget is
 *   16.7 ms after the previous one, so this number cannot go below the display's vsync: it says
 *   whether a frame was missed, not how much of the frame our work took.
 * - `work`: what the page spends on the step, from the animation-frame callback that moves the
 *   scrubber to the end of that frame's main-thread work. The step's script (the input handler and
 *   Svelte's effects, run in the callback's microtasks) is followed in the same task by style,
 *   layout, paint and commit; a MessageChannel message posted from the callback runs as the next
 *   task, after all of that, so its arrival marks the end. The "under 16 ms" is judged on
 *   this one: it is the frame's budget spent by us, whatever the display's refresh rate.
 * Raster and GPU work happen off the main thread and are in neither.
 */
const STEPS_SOURCE = `(async () => {
    const input = document.querySelector('[data-testid="scrubber"]');
    if (!input) return { intervals: [], work: [] };
    const max = Number(input.max);
    const steps = 120;
    const channel = new MessageChannel();
    return await new Promise((resolve) => {
      const intervals = [];
      const work = [];
      let k = 0;
      let last = 0;
      let begun = 0;
      let ticking = true;
      const finish = () => {
        if (ticking || work.length < steps + 1) return;
        channel.port1.close();
        resolve({ intervals, work });
      };
      channel.port1.onmessage = () => {
        work.push(performance.now() - begun);
        finish();
      };
      const tick = (now) => {
        if (last) intervals.push(now - last);
        last = now;
        if (k > steps) {
          ticking = false;
          return finish();
        }
        begun = performance.now();
        input.value = String((max * k) / steps);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        k++;
        channel.port2.postMessage(0);
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
  })()`;

/** Resolves to `{ intervals, work }`, milliseconds per step (see above). */
export const SCRUB_STEPS = STEPS_SOURCE;

/** The frame intervals alone, as the benchmarks reported them before the work was measured. */
export const SCRUB = `${STEPS_SOURCE}.then((r) => r.intervals)`;

export interface ScrubSteps {
  intervals: number[];
  work: number[];
}

/** Mean, p50, p95 and max of a list of milliseconds, rounded to 0.1 ms. */
export function spread(ms: readonly number[]): { mean: number; p50: number; p95: number; max: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { mean: r(ms.reduce((s, x) => s + x, 0) / Math.max(1, ms.length)), p50: r(q(0.5)), p95: r(q(0.95)), max: r(sorted[sorted.length - 1] ?? 0) };
}
