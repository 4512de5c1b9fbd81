/**
 * A design exercise's draft config, kept in the browser like the editor's scenario drafts, under
 * its own key so the authoring catalog never mistakes it for an edited scenario.
 */
import type { StorageLike } from '../drafts.ts';

const PREFIX = 'gatelab:exercise-draft:v1:';

export class ExerciseDrafts {
  constructor(private readonly storage: StorageLike | null) {}

  read(exerciseId: string): string | null {
    try {
      return this.storage?.getItem(PREFIX + exerciseId) ?? null;
    } catch {
      return null;
    }
  }

  /** False when the browser refused (full or blocked storage): the text then lasts until the page closes. */
  save(exerciseId: string, text: string): boolean {
    try {
      if (!this.storage) return false;
      this.storage.setItem(PREFIX + exerciseId, text);
      return true;
    } catch {
      return false;
    }
  }

  discard(exerciseId: string): void {
    try {
      this.storage?.removeItem(PREFIX + exerciseId);
    } catch {
      // Nothing stored is nothing to remove.
    }
  }
}
