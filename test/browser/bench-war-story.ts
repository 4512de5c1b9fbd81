/**
 * bench-large's `--war-story [N]` mode: the Kong war story (scenarios/capacity/kong-bottleneck.yaml),
 * variant `overload`, stretched to ≈ N requests, as a file the lab opens through "Open your own
 * scenario file" like the generated rate-limit load. Issue #4 names this run.
 *
 * What differs from the bundled file, and nothing else (the YAML is rewritten, so its comments go):
 * - the `overload` patch is applied to the top level with the engine's own merge (JSON Merge Patch,
 *   `gateway.config` replaced whole, as the loader does for a variant), and `variants` is removed:
 *   the file's base *is* the overload, so the lab opens one panel (`base`) running it;
 * - `duration` is N / 500 seconds (the client's Poisson rate is 500/s; its traffic has no window, so
 *   it runs to the end) instead of 30 s: test/bench/war-story.ts stretches the loaded scenario the
 *   same way for issue #9;
 * - the top-level `expect` list is dropped: its ranges are for 30 s, and a variant with expectations
 *   keeps its whole trace in the worker for them (`streamOnly` applies only without), which the
 *   bench must not measure;
 * - narration past the end of a run shorter than 30 s is dropped (none is at N ≥ 15,000);
 * - `id` and `title` say it is the stretched copy, so it is not taken for the bundled scenario.
 * Seed, capacity model, front balancer, plugins, backends and narration are the file's.
 */
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { isPlainObject, mergePatch } from '../../engine/scenario/merge-patch.ts';

export const WAR_STORY_FILE = 'scenarios/capacity/kong-bottleneck.yaml';
const VARIANT = 'overload';
/** The overload's offered load: one client, Poisson 500/s for the whole run. */
const RATE_PER_SECOND = 500;

/** `10s` → 10; anything else → Infinity (dropped from a short run rather than guessed). */
function parseSeconds(at: unknown): number {
  const m = typeof at === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(at) : null;
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}

/** The stretched overload as YAML text, and its length in seconds. */
export function warStoryText(requests: number, file = WAR_STORY_FILE): { text: string; seconds: number } {
  const doc = parse(readFileSync(file, 'utf8')) as unknown;
  if (!isPlainObject(doc) || !isPlainObject(doc.variants)) throw new Error(`${file}: no variants`);
  const variant = doc.variants[VARIANT];
  if (!isPlainObject(variant) || !isPlainObject(variant.patch)) throw new Error(`${file}: no variant ${VARIANT} with a patch`);
  const merged = mergePatch(doc, variant.patch, { replaceWhole: [['gateway', 'config']] }).value as Record<string, unknown>;
  const seconds = Math.max(1, Math.ceil(requests / RATE_PER_SECOND));
  delete merged.variants;
  delete merged.expect;
  merged.id = `${String(doc.id)}-overload-stretched`;
  merged.title = `Benchmark: the war story's overload stretched to ${seconds} s (about ${requests.toLocaleString('en')} requests)`;
  merged.duration = `${seconds}s`;
  // A run shorter than the file's 30 s keeps only the narration inside it (the loader refuses the rest).
  if (Array.isArray(merged.narration)) merged.narration = merged.narration.filter((n: unknown) => isPlainObject(n) && parseSeconds(n.at) < seconds);
  return { text: stringify(merged, { lineWidth: 0 }), seconds };
}
