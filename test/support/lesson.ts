/**
 * Where the lesson's YAML snippets are: shared/ sits beside the repository (in a developer's
 * workspace and in CI's clean clone alike). GATELAB_SHARED overrides it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function findShared(): string {
  const candidates = [process.env.GATELAB_SHARED, join(root, '..', 'shared'), '/work/shared'].filter((c): c is string => !!c);
  return candidates.find((c) => existsSync(join(c, 'lesson', 'snippets'))) ?? (candidates[1] as string);
}

export const SHARED_DIR = findShared();
export const LESSON_SNIPPETS = join(SHARED_DIR, 'lesson', 'snippets');
