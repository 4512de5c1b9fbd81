/**
 * Boxes that scroll sideways on a phone (the topology picture, the machines tables) instead of
 * widening the page. A keyboard cannot scroll a box it cannot focus (axe: scrollable-region-
 * focusable), so while a box overflows it is a named, focusable region; when it fits again (any
 * laptop) it is a plain box, not a tab stop on every panel.
 */

/** Makes `el` a focusable region while its content overflows it, and a plain box otherwise. */
export function markScrollable(el: HTMLElement, label: string): void {
  const overflows = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
  if (overflows) {
    el.tabIndex = 0;
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', label);
  } else {
    el.removeAttribute('tabindex');
    el.removeAttribute('role');
    el.removeAttribute('aria-label');
  }
}

/** An attachment (`{@attach scrollFocus('…')}`) that keeps `markScrollable` true as sizes change. */
export function scrollFocus(label: string): (el: HTMLElement) => (() => void) | undefined {
  return (el) => {
    markScrollable(el, label);
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => markScrollable(el, label));
    observer.observe(el);
    // The content grows too (a table's rows arrive with the trace): watch it as well.
    for (const child of Array.from(el.children)) observer.observe(child);
    return () => observer.disconnect();
  };
}
