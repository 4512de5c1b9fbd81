/**
 * Every config adapter, fed through the YAML entry and loadGateway as a user would, on mutated real
 * configs (the goldens and the lesson's native-IR scenarios): it never throws, every diagnostic is
 * placed and coded, no prototype changes. A mutated overlay on a good base exercises the merge code.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Dialect } from '../../engine/config/ir.ts';
import { expectPlaced, expectPrototypesUntouched, fuzzSeed, goldenInputs, lineCountsOf, loadConfigText, nativeIrInputs, runs, yamlishText } from './fuzz-kit.ts';

const seed = fuzzSeed('adapters (text)', 0x6a7e1a);

const FIXTURES: ReadonlyArray<{ format: Dialect; texts: string[] }> = [
  { format: 'kong', texts: goldenInputs('kong') },
  { format: 'gateway-api', texts: [...goldenInputs('gateway-api'), ...goldenInputs('istio')] },
  { format: 'ingress-nginx', texts: goldenInputs('ingress-nginx') },
  { format: 'traefik', texts: goldenInputs('traefik') },
  { format: 'ir', texts: nativeIrInputs() },
];

function check(text: string, format: Dialect | undefined, overlay?: string): void {
  const { parse, loaded } = loadConfigText(text, format, overlay);
  const counts = lineCountsOf(text, overlay);
  expectPlaced(parse, counts);
  if (loaded) expectPlaced(loaded.diagnostics, counts);
  expectPrototypesUntouched();
}

describe('every adapter on mutated real configs', () => {
  for (const { format, texts } of FIXTURES) {
    it(`${format}: never throws, places every diagnostic, leaves prototypes alone`, () => {
      fc.assert(
        fc.property(yamlishText(texts), fc.boolean(), (text, detect) => check(text, detect ? undefined : format)),
        { seed, numRuns: runs(60) },
      );
    });

    it(`${format}: a mutated overlay on a real config`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...texts), yamlishText(texts), (base, overlay) => check(base, format, overlay)),
        { seed, numRuns: runs(30) },
      );
    });
  }
});
