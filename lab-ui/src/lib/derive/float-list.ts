/**
 * An append-only list of numbers in a Float64Array that doubles when full: the trace index keeps its
 * time columns in these while a run streams, so a snapshot or the final index copies one block of
 * memory instead of converting a JS array (Float64Array.from over 2.4M numbers was most of a
 * snapshot's cost at 300k requests).
 */
export class FloatList {
  private data: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }

  /** The last value, or undefined when empty. */
  last(): number | undefined {
    return this.length > 0 ? this.data[this.length - 1] : undefined;
  }

  /**
   * The values so far without copying: later pushes only write past `length`, and growing moves to
   * a new array, so the view never changes.
   */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }

  /** A copy of the values so far, exactly `length` long. */
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}
