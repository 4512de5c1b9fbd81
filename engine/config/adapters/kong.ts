/** Kong's entry for the adapter registry (../adapter-registry.ts), loadable on its own. */
import type { DialectAdapter } from '../adapter-registry.ts';
import { mergeOverlays } from '../overlay.ts';
import { adaptKong } from '../kong/index.ts';

/** A Kong declarative config is one document: later files and overlays merge onto the first. */
export const adapt: DialectAdapter = ([base, ...rest], overlays) => {
  // loadGateway never calls an adapter without documents (it reports the empty config itself).
  if (!base) throw new Error('the Kong adapter needs at least one document');
  return adaptKong([mergeOverlays(base, [...rest, ...overlays])]);
};
