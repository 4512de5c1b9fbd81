/**
 * The scrub both browser benchmarks run in the page: move the timeline across the run and time each
 * frame until it is painted. Passed as text: tsx would otherwise wrap a function with helpers the
 * page does not have.
 */
export const SCRUB = `(async () => {
    // Scrub on every animation frame, as a dragged slider would, and record the time between
    // frames: at 60 Hz a frame that fits its budget is 16.7 ms apart from the previous one.
    const input = document.querySelector('[data-testid="scrubber"]');
    if (!input) return [];
    const max = Number(input.max);
    const steps = 120;
    return await new Promise((resolve) => {
      const out = [];
      let k = 0;
      let last = 0;
      const tick = (now) => {
        if (last) out.push(now - last);
        last = now;
        if (k > steps) return resolve(out);
        input.value = String((max * k) / steps);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        k++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
  })()`;
