/**
 * What the lab's engine worker is built with in place of adapters-bundled.ts (lab-ui/vite.config.ts):
 * no adapter up front. The worker prepares the ones a scenario needs (adapter-registry.ts), each its own
 * chunk, so the first load carries only the adapter of the scenario being opened.
 */
import type { DialectAdapter } from './adapter-registry.ts';
import type { Dialect } from './ir.ts';

export const BUNDLED_ADAPTERS: Readonly<Partial<Record<Dialect, DialectAdapter>>> = {};
