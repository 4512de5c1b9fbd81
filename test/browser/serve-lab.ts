/** Builds lab-ui/dist and serves it on 127.0.0.1 with vite preview, as any static host would. */
import { build, preview, type PreviewServer } from 'vite';

/** @param opts.minify false keeps function names readable in CPU profiles (the benchmark's profile mode). */
export async function serveLab(opts: { minify?: boolean } = {}): Promise<{ server: PreviewServer; url: string }> {
  const configFile = 'lab-ui/vite.config.ts';
  await build({ configFile, logLevel: 'warn', ...(opts.minify === false ? { build: { minify: false } } : {}) });
  const server = await preview({ configFile, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report an address');
  return { server, url };
}
