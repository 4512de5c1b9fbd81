/**
 * The entry point bundled for `gatelab serve` (serve-bundle.mjs): the serve command alone, with the
 * same usage-error and internal-error handling as main.ts gives every command, so a bundled serve
 * prints and exits exactly as one run from source.
 */
import { UsageError } from './args.ts';
import { EXIT } from './io.ts';
import { serveCommand } from './serve.ts';

export async function runServe(argv: string[]): Promise<number> {
  try {
    return await serveCommand(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`gatelab serve: ${e.message}\nRun "gatelab serve --help" for usage.`);
      return EXIT.usage;
    }
    console.error('gatelab serve: internal error — please report it with the input that caused it.');
    // A stack is formatted when first read: with source maps on now (bin.mjs keeps them off while
    // serving), its frames name our .ts files rather than lines of the bundle.
    process.setSourceMapsEnabled(true);
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return EXIT.usage;
  }
}
