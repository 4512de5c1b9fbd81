/**
 * From a scenario's gateway spec (inline config, files, overlays) to the IR: detect the dialect, then run
 * its adapter (adapters/<dialect>.ts, which also merges the overlays the dialect's way) from the adapter
 * registry. Every problem comes back as a diagnostic with file:line:column.
 */
import type { Diagnostic } from '../core/errors.ts';
import type { ConfigSource, GatewaySpec } from '../scenario/types.ts';
import type { Dialect, GatewayIR } from './ir.ts';
import type { MappedValue } from './overlay.ts';
import { gatewayDialect } from './detect.ts';
import { ADAPTED_DIALECTS, GATEWAY_ADAPTERS, type AdapterRegistry } from './adapter-registry.ts';
// Every adapter, up front; the lab's worker is built with adapters-on-demand.ts here instead.
import { BUNDLED_ADAPTERS } from './adapters-bundled.ts';

GATEWAY_ADAPTERS.register(BUNDLED_ADAPTERS);

export interface LoadedGateway {
  ir?: GatewayIR;
  dialect?: Dialect;
  diagnostics: Diagnostic[];
}

function docsOf(sources: readonly ConfigSource[]): MappedValue[] {
  return sources.flatMap((s) => s.docs);
}

export function loadGateway(spec: GatewaySpec): LoadedGateway {
  return loadGatewayWith(GATEWAY_ADAPTERS, spec);
}

/** loadGateway with the adapters of `registry` (a test gives one that starts empty). */
export function loadGatewayWith(registry: AdapterRegistry, spec: GatewaySpec): LoadedGateway {
  const docs = docsOf(spec.sources);
  const overlays = docsOf(spec.overlays);
  const first = spec.sources[0];
  if (docs.length === 0) {
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'GL_E_CONFIG_FORMAT',
          message: 'the gateway config is empty',
          hint: 'give a Kong declarative config, Kubernetes resources, or the native IR form',
          ...(first ? { loc: { file: first.file, line: 1, col: 1 } } : {}),
        },
      ],
    };
  }
  const dialect = gatewayDialect(spec);
  if (!dialect) {
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'GL_E_CONFIG_FORMAT',
          message: 'cannot tell which gateway this config is for',
          hint: 'set gateway.format (kong, gateway-api, ingress-nginx, traefik, ir), or add _format_version for Kong',
          loc: docs[0]?.map.locate([]),
        },
      ],
    };
  }
  const adapt = registry.get(dialect);
  if (adapt) return { dialect, ...adapt(docs, overlays) };
  if ((ADAPTED_DIALECTS as readonly string[]).includes(dialect)) {
    // Only the lab's worker loads adapters on demand; it prepares them before loading (engine-worker.ts).
    return {
      dialect,
      diagnostics: [
        {
          severity: 'error',
          code: 'GL_E_CONFIG_FORMAT',
          message: `the ${dialect} adapter is not loaded here yet (a gatelab bug, please report it)`,
          hint: 'prepare the adapter before loading the scenario: GATEWAY_ADAPTERS.prepare (engine/config/adapter-registry.ts)',
          loc: docs[0]?.map.locate([]),
        },
      ],
    };
  }
  return {
    dialect,
    diagnostics: [
      {
        severity: 'error',
        code: 'GL_E_CONFIG_FORMAT',
        message: `the ${dialect} dialect is recognised but gatelab cannot run it yet`,
        hint: 'use a Kong declarative config or the native IR form for now',
        loc: docs[0]?.map.locate([]),
      },
    ],
  };
}
