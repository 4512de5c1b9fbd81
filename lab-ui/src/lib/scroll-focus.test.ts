import { describe, expect, it } from 'vitest';
import { markScrollable } from './scroll-focus.ts';

function box(scrollWidth: number, clientWidth: number): HTMLElement {
  const el = document.createElement('div');
  Object.defineProperty(el, 'scrollWidth', { configurable: true, get: () => scrollWidth });
  Object.defineProperty(el, 'clientWidth', { configurable: true, get: () => clientWidth });
  return el;
}

describe('a box that scrolls sideways on a phone', () => {
  it('is a named region in the tab order while it overflows, and a plain box once it fits', () => {
    // The topology at 390 px: a 520 px picture in a 340 px box nobody could scroll by keyboard.
    const el = box(520, 340);
    markScrollable(el, 'Topology of base');
    expect(el.tabIndex).toBe(0);
    expect(el.getAttribute('role')).toBe('region');
    expect(el.getAttribute('aria-label')).toBe('Topology of base');
    Object.defineProperty(el, 'clientWidth', { configurable: true, get: () => 900 });
    markScrollable(el, 'Topology of base');
    expect(el.hasAttribute('tabindex')).toBe(false);
    expect(el.hasAttribute('role')).toBe(false);
  });

  it('is no tab stop where it fits (every panel on a laptop)', () => {
    const el = box(600, 600);
    markScrollable(el, 'Topology of base');
    expect(el.hasAttribute('tabindex')).toBe(false);
  });
});
