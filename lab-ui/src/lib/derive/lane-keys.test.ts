// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { laneStep, laneTabStop, stretchAt } from './lane-keys.ts';

describe('the machine timeline by keyboard', () => {
  it('walks a lane with the arrows, Home and End, and stops at its ends', () => {
    expect(laneStep('ArrowRight', 0, 3)).toBe(1);
    expect(laneStep('ArrowRight', 2, 3)).toBe(2);
    expect(laneStep('ArrowLeft', 0, 3)).toBe(0);
    expect(laneStep('ArrowLeft', 2, 3)).toBe(1);
    expect(laneStep('Home', 2, 3)).toBe(0);
    expect(laneStep('End', 0, 3)).toBe(2);
    // Keys it does not own go on to the page (Tab, Enter, the player's own shortcuts).
    expect(laneStep('Enter', 0, 3)).toBeNull();
    expect(laneStep('ArrowRight', 0, 0)).toBeNull();
  });
  it("puts a lane's Tab stop on the open stretch, else on the state at the cursor", () => {
    expect(laneTabStop(4, 1)).toBe(1);
    expect(laneTabStop(4, -1)).toBe(3);
    expect(laneTabStop(4, 9)).toBe(3);
    expect(laneTabStop(0, -1)).toBe(-1);
  });
  it('keeps the moment when moving to another lane', () => {
    const lane = [{ from: 0, to: 10 }, { from: 10, to: 25 }, { from: 25, to: 40 }];
    expect(stretchAt(lane, 12)).toBe(1);
    expect(stretchAt(lane, 25)).toBe(2);
    expect(stretchAt(lane, -5)).toBe(0);
    expect(stretchAt([], 3)).toBe(-1);
  });
});
