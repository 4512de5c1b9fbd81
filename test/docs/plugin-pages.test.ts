/**
 * README.md promises "Each plugin has a page in docs/plugins/": every id in PLUGINS has
 * docs/plugins/<id>.md, and the page names its code folder so a reader can go from the lesson to the
 * code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLUGINS } from '../../engine/plugins/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ids = PLUGINS.map((p) => p.id);

describe('one docs page per plugin', () => {
  it('lists the plugins', () => {
    expect(ids.length).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(ids)('docs/plugins/%s.md exists and names its code folder', (id) => {
    const page = join(ROOT, 'docs', 'plugins', `${id}.md`);
    expect(existsSync(page), `docs/plugins/${id}.md is missing`).toBe(true);
    expect(existsSync(join(ROOT, 'engine', 'plugins', id)), `engine/plugins/${id}/ is missing`).toBe(true);
    expect(readFileSync(page, 'utf8').includes(`engine/plugins/${id}/`), `docs/plugins/${id}.md does not name engine/plugins/${id}/`).toBe(true);
  });
});
