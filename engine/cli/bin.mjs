#!/usr/bin/env node
// Entry point for `npx gatelab`. `serve` runs from a cached esbuild bundle (serve-bundle.mjs: no
// tsx cost per request); every other command registers tsx so the TypeScript sources run as they
// are, then hands over to the command dispatcher. GATELAB_SERVE=source runs serve from source too;
// GATELAB_SERVE=bundle fails rather than fall back when the bundle cannot be built.
const argv = process.argv.slice(2);

/**
 * On a fresh clone nothing is installed yet, and Node's answer is a stack trace about a package
 * named tsx. Say what is missing and what to run instead.
 */
async function importOrExplain(specifier) {
  try {
    return await import(specifier);
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    process.stderr.write(
      `gatelab: its dependencies are not installed (${specifier.split('/')[0]} is missing).\n` +
        'Run "npm install" in the gatelab folder first ("npm start" and "npm test" install them too).\n',
    );
    process.exit(2);
  }
}

const mode = process.env.GATELAB_SERVE;
const bundle = argv[0] === 'serve' && mode !== 'source' ? await (await import('./serve-bundle.mjs')).serveBundle(mode === 'bundle') : undefined;
if (bundle) {
  // On while the bundle loads, so Node keeps its source map; off while serving. With them on, the
  // first stack formatted anywhere (an error inside undici or node:http will do) decodes the whole
  // map, ≈ 150–220 ms with the event loop blocked. serve-entry.ts turns them back on to print an
  // internal error, whose stack then names engine/…/*.ts lines as under tsx.
  process.setSourceMapsEnabled(true);
  const { runServe } = await import(bundle);
  process.setSourceMapsEnabled(false);
  process.exitCode = await runServe(argv.slice(1));
} else {
  const { register } = await importOrExplain('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  process.exitCode = await main(argv);
}
