/**
 * Scenario time on a real clock. The proxies read `Date.now() + offset`; skipping an idle stretch
 * (no request in flight, the next send far away) adds to the offset, which is exactly what waiting
 * would have done to state that is computed lazily from now() — and makes a two-minute scenario take
 * seconds.
 */
export class SceneClock {
  private offset: number;
  private readonly realStart: number;

  constructor(private readonly scenarioStart: number) {
    this.realStart = Date.now();
    this.offset = scenarioStart - this.realStart;
  }

  /** Epoch ms as the scenario sees it. */
  now(): number {
    return Date.now() + this.offset;
  }

  /** Ms since the scenario's start. */
  sceneMs(): number {
    return this.now() - this.scenarioStart;
  }

  /** The real instant at which scene time reaches `sceneMs`, under the current offset. */
  realAt(sceneMs: number): number {
    return this.scenarioStart + sceneMs - this.offset;
  }

  skip(ms: number): void {
    if (ms > 0) this.offset += ms;
  }
}
