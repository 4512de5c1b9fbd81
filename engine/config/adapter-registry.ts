/**
 * Which dialect adapters this JavaScript realm can run, and how to get the others. The CLI, the tests
 * and every Node entry register all of them up front (adapters-bundled.ts, through load-gateway.ts).
 * The lab's engine worker is built without them (lab-ui/vite.config.ts swaps adapters-bundled.ts for
 * adapters-on-demand.ts): it awaits `prepare` before answering a message, so a scenario only fetches the
 * adapter of its own gateway format, and the first load carries none of the others (docs/benchmarks.md).
 *
 * The loader stays synchronous: `loadGateway` asks `get`, and an adapter that was never prepared comes
 * back as a diagnostic that names the dialect, never as a crash.
 */
import type { Diagnostic } from '../core/errors.ts';
import type { Dialect, GatewayIR } from './ir.ts';
import type { MappedValue } from './overlay.ts';

/** One dialect's adapter: the config's documents and overlays in, the IR (or why not) out. */
export type DialectAdapter = (docs: readonly MappedValue[], overlays: readonly MappedValue[]) => { ir?: GatewayIR; diagnostics: Diagnostic[] };

/**
 * Every dialect with an adapter, each as its own module so a bundler can split them: a dynamic import
 * per dialect is a chunk per dialect. Node never calls these unless a registry starts empty.
 */
const LOADERS: Readonly<Record<Dialect, () => Promise<DialectAdapter>>> = {
  kong: async () => (await import('./adapters/kong.ts')).adapt,
  'gateway-api': async () => (await import('./adapters/gateway-api.ts')).adapt,
  'ingress-nginx': async () => (await import('./adapters/ingress-nginx.ts')).adapt,
  traefik: async () => (await import('./adapters/traefik.ts')).adapt,
  ir: async () => (await import('./adapters/ir.ts')).adapt,
};

/** The dialects that have an adapter, in a stable order. */
export const ADAPTED_DIALECTS: readonly Dialect[] = Object.keys(LOADERS) as Dialect[];

function isAdapted(dialect: string): dialect is Dialect {
  return Object.hasOwn(LOADERS, dialect);
}

export class AdapterRegistry {
  private readonly adapters = new Map<Dialect, DialectAdapter>();
  /** Dialects the scenario loader saw in gateway configs that have no adapter here yet. */
  private readonly wanted = new Set<Dialect>();

  constructor(bundled: Readonly<Partial<Record<Dialect, DialectAdapter>>> = {}) {
    this.register(bundled);
  }

  register(adapters: Readonly<Partial<Record<Dialect, DialectAdapter>>>): void {
    for (const dialect of ADAPTED_DIALECTS) {
      const adapt = adapters[dialect];
      if (adapt) this.adapters.set(dialect, adapt);
    }
  }

  get(dialect: Dialect): DialectAdapter | undefined {
    return this.adapters.get(dialect);
  }

  /** True when every adapter is here (Node, the CLI): nothing to note or prepare. */
  get complete(): boolean {
    return this.adapters.size === ADAPTED_DIALECTS.length;
  }

  /**
   * Remembers that a loaded scenario's gateway config is in `dialect`, so the next `prepare('noted')`
   * fetches its adapter. Names without an adapter are left to loadGateway's own diagnostic.
   */
  note(dialect: string | undefined): void {
    if (dialect !== undefined && isAdapted(dialect) && !this.adapters.has(dialect)) this.wanted.add(dialect);
  }

  /**
   * Loads adapters that are not here yet: the named dialects, the ones noted since the last call
   * ('noted'), or every one ('all', for modes that load scenarios the worker cannot see in advance).
   */
  async prepare(which: 'noted' | 'all' | Iterable<Dialect>): Promise<void> {
    const asked = which === 'all' ? ADAPTED_DIALECTS : which === 'noted' ? [...this.wanted] : [...which];
    const missing = asked.filter((d) => !this.adapters.has(d));
    const loaded = await Promise.all(missing.map((d) => LOADERS[d]()));
    missing.forEach((d, i) => {
      this.adapters.set(d, loaded[i] as DialectAdapter);
      this.wanted.delete(d);
    });
  }
}

/**
 * The realm's registry, which loadGateway consults. It starts empty; load-gateway.ts fills it with the
 * bundled adapters when it is evaluated, before anything can call loadGateway.
 */
export const GATEWAY_ADAPTERS = new AdapterRegistry();
