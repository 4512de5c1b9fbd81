/** The native IR form's entry for the adapter registry (../adapter-registry.ts), loadable on its own. */
import type { DialectAdapter } from '../adapter-registry.ts';
import { mergeOverlays } from '../overlay.ts';
import { adaptNativeIr } from '../native/adapt.ts';

/** One IR document: later files and overlays merge onto the first, as Kong's do. */
export const adapt: DialectAdapter = ([base, ...rest], overlays) => {
  // loadGateway never calls an adapter without documents (it reports the empty config itself).
  if (!base) throw new Error('the native IR adapter needs at least one document');
  return adaptNativeIr(mergeOverlays(base, [...rest, ...overlays]));
};
