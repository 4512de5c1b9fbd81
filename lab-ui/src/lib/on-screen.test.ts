import { afterEach, describe, expect, it, vi } from 'vitest';
import { OnScreen } from './on-screen.svelte.ts';

/** A stand-in IntersectionObserver the test drives by hand. */
class FakeObserver {
  static all: FakeObserver[] = [];
  observed: Element[] = [];
  disconnected = false;
  constructor(readonly callback: (entries: Array<{ isIntersecting: boolean }>) => void, readonly options?: { rootMargin?: string }) {
    FakeObserver.all.push(this);
  }
  observe(node: Element): void {
    this.observed.push(node);
  }
  disconnect(): void {
    this.disconnected = true;
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeObserver.all = [];
});

describe('OnScreen', () => {
  it('starts visible and follows the observer until the element is removed', () => {
    vi.stubGlobal('IntersectionObserver', FakeObserver);
    const screen = new OnScreen();
    expect(screen.visible).toBe(true);
    const node = document.createElement('canvas');
    const stop = screen.track(node);
    const observer = FakeObserver.all[0] as FakeObserver;
    expect(observer.observed).toEqual([node]);
    observer.callback([{ isIntersecting: false }]);
    expect(screen.visible).toBe(false);
    // Several entries at once: the last one is the current state.
    observer.callback([{ isIntersecting: false }, { isIntersecting: true }]);
    expect(screen.visible).toBe(true);
    stop?.();
    expect(observer.disconnected).toBe(true);
  });

  it('stays visible where the browser has no IntersectionObserver', () => {
    vi.stubGlobal('IntersectionObserver', undefined);
    const screen = new OnScreen();
    expect(screen.track(document.createElement('div'))).toBeUndefined();
    expect(screen.visible).toBe(true);
  });
});
