/**
 * From a scenario's gateway spec (inline config, files, overlays) to the IR: detect the dialect, merge
 * overlays, run the dialect's adapter. Every problem comes back as a diagnostic with file:line:column.
 */
import type { Diagnostic } from '../core/errors.ts';
import type { ConfigSource, GatewaySpec } from '../scenario/types.ts';
import type { Dialect, GatewayIR } from './ir.ts';
import type { SourceMap } from './yaml-source.ts';
import { detectDialect } from './detect.ts';
import { mergeOverlays } from './overlay.ts';
import { adaptKong } from './kong/index.ts';
import { adaptGatewayApi, layDocuments } from './gateway-api/index.ts';
import { adaptNativeIr } from './native/adapt.ts';
import { adaptIngressNginx } from './ingress-nginx/index.ts';
import { adaptTraefik } from './traefik/index.ts';

export interface LoadedGateway {
  ir?: GatewayIR;
  dialect?: Dialect;
  diagnostics: Diagnostic[];
}

type Doc = { value: unknown; map: SourceMap };

function docsOf(sources: readonly ConfigSource[]): Doc[] {
  return sources.flatMap((s) => s.docs);
}

export function loadGateway(spec: GatewaySpec): LoadedGateway {
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
  const dialect = spec.format ?? detectDialect([...docs, ...overlays].map((d) => d.value));
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
  switch (dialect) {
    case 'kong': {
      // A Kong declarative config is one document: later files and overlays merge onto the first.
      const [base, ...rest] = docs as [Doc, ...Doc[]];
      const merged = mergeOverlays(base, [...rest, ...overlays]);
      return { dialect, ...adaptKong([merged]) };
    }
    case 'gateway-api':
      // Kubernetes objects are many documents: an overlay patches the object it names, or adds one.
      return { dialect, ...adaptGatewayApi(layDocuments(docs, overlays)) };
    case 'ingress-nginx':
      // Kubernetes objects, overlaid the same way as Gateway API's; a repeated namespace/name in the
      // files replaces the earlier object, as kubectl apply would (ingress-nginx/adapt.ts).
      return { dialect, ...adaptIngressNginx(layDocuments(docs, overlays)) };
    case 'traefik':
      // Kubernetes objects again: an overlay patches the object it names (group, kind, namespace,
      // name) or is added; a `_gatelab` overlay document carries Traefik's install configuration.
      return { dialect, ...adaptTraefik(layDocuments(docs, overlays)) };
    case 'ir': {
      const [base, ...rest] = docs as [Doc, ...Doc[]];
      return { dialect, ...adaptNativeIr(mergeOverlays(base, [...rest, ...overlays])) };
    }
    default:
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
}
