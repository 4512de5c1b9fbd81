/**
 * `_format_version`: Kong refuses a declarative config without it, and accepts "1.1", "2.1" and "3.0".
 * The lesson's fragments lack it; an overlay that adds it is how a scenario uses them verbatim.
 */
import type { AdaptContext, KongDoc } from './context.ts';
import { describe } from './read.ts';

export const ACCEPTED_FORMAT_VERSIONS = ['1.1', '2.1', '3.0'];

/** The version in force, or undefined when missing or invalid (reported). */
export function checkFormatVersion(
  ctx: AdaptContext,
  docs: readonly KongDoc[],
  versions: ReadonlyArray<{ doc: KongDoc; value: unknown }>,
): string | undefined {
  const first = docs[0];
  if (versions.length === 0) {
    if (first) {
      ctx.errorAt(
        { file: first.map.file, line: 1, col: 1 },
        'GL_E_CONFIG_VERSION',
        '_format_version is missing; Kong refuses a declarative config without it',
        // Say how to load it with its overlay: `gatelab lint` checks each file on its own, so naming the
        // overlay there does not help.
        'add _format_version: "3.0" at the top, or load the file with an overlay that adds it: gatelab explain --config FILE --config OVERLAY, or a scenario\'s gateway.files with gateway.overlays',
      );
    }
    return undefined;
  }
  let found: string | undefined;
  for (const { doc, value } of versions) {
    if (typeof value !== 'string' || !ACCEPTED_FORMAT_VERSIONS.includes(value)) {
      const hint =
        typeof value === 'number' && ACCEPTED_FORMAT_VERSIONS.includes(value.toFixed(1))
          ? `quote it: _format_version: "${value.toFixed(1)}"; unquoted, YAML reads ${value.toFixed(1)} as the number ${value}`
          : 'use _format_version: "3.0"';
      ctx.error(doc, ['_format_version'], 'GL_E_CONFIG_VERSION', `_format_version must be one of "1.1", "2.1", "3.0", not ${describe(value)}`, hint);
      continue;
    }
    if (found !== undefined && found !== value) {
      ctx.error(doc, ['_format_version'], 'GL_E_CONFIG_VERSION', `_format_version "${value}" disagrees with "${found}" given earlier`, 'merge the files into one version');
      continue;
    }
    found = value;
  }
  return found;
}
