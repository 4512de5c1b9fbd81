/**
 * Scenario time on a real clock. The proxies read `Date.now() + offset`; skipping an idle stretch
 * (no request in flight, the next send far away) adds to the offset, which is exactly what waiting
 * would have done to state that is computed lazily from now() — and makes a two-minute scenario take
 * seconds.
 */
export class SceneClock {
  private offset: number;

  constructor(private readonly scenarioStart: number) {
    this.offset = scenarioStart - Date.now();
  }

  /** Puts scene time back at the scenario's start: called once set-up is done, just before driving. */
  restart(): void {
    this.offset = this.scenarioStart - Date.now();
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
