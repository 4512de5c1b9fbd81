/**
 * Whether an element is on screen (or within a margin of it), as reactive state. A canvas that is
 * scrolled away need not be repainted on every frame of a scrub: each repaint is a texture the
 * browser uploads at commit, seen or not. When it comes back into view the state flips and the
 * painting effect runs again with the current cursor, so what is seen is always up to date.
 *
 * Only pixels are skipped this way; text and SVG stay live for screen readers and tests.
 */
export class OnScreen {
  /** True until the observer says otherwise, and always where IntersectionObserver is missing. */
  visible = $state(true);

  /** An attachment (`{@attach onScreen.track}`) that follows the element until it is removed. */
  readonly track = (node: Element): (() => void) | undefined => {
    if (typeof IntersectionObserver === 'undefined') return undefined;
    // The margin paints a little ahead of a scroll, so a canvas never arrives blank.
    const observer = new IntersectionObserver((entries) => {
      const last = entries[entries.length - 1];
      if (last) this.visible = last.isIntersecting;
    }, { rootMargin: '200px' });
    observer.observe(node);
    return () => observer.disconnect();
  };
}
