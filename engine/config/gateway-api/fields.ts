/**
 * The fields the Gateway API CRDs define (v1.3 standard and the experimental fields a file may carry),
 * as a tree, so an unknown key can be reported at its line with the nearest known key. The API server
 * prunes unknown fields of a CRD (kubectl warns "unknown field"), so these are warnings: the object is
 * applied without them, and a typo such as `hostnmes` silently widens a route to every host.
 */
import { nearest } from '../../core/nearest.ts';
import type { JsonPath } from '../yaml-source.ts';
import { isRecord, type AdaptContext, type K8sObject } from './context.ts';

/** A mapping with known fields; `open` mappings (labels, selectors) take any key. */
export type Shape = { fields: Record<string, Shape | 'leaf'> } | { list: Shape } | 'open';

const obj = (fields: Record<string, Shape | 'leaf'>): Shape => ({ fields });
const list = (item: Shape): Shape => ({ list: item });

const METADATA = obj({
  name: 'leaf',
  namespace: 'leaf',
  labels: 'open',
  annotations: 'open',
  creationTimestamp: 'leaf',
  uid: 'leaf',
  resourceVersion: 'leaf',
  generation: 'leaf',
  generateName: 'leaf',
  managedFields: 'open',
  ownerReferences: 'open',
  finalizers: 'open',
  deletionTimestamp: 'leaf',
  deletionGracePeriodSeconds: 'leaf',
  selfLink: 'leaf',
});

const LABEL_SELECTOR = obj({ matchLabels: 'open', matchExpressions: list(obj({ key: 'leaf', operator: 'leaf', values: 'leaf' })) });

const LISTENER = obj({
  name: 'leaf',
  hostname: 'leaf',
  port: 'leaf',
  protocol: 'leaf',
  tls: obj({ mode: 'leaf', certificateRefs: list(obj({ group: 'leaf', kind: 'leaf', name: 'leaf', namespace: 'leaf' })), options: 'open', frontendValidation: 'open' }),
  allowedRoutes: obj({
    namespaces: obj({ from: 'leaf', selector: LABEL_SELECTOR }),
    kinds: list(obj({ group: 'leaf', kind: 'leaf' })),
  }),
});

const OBJECT_REF = obj({ group: 'leaf', kind: 'leaf', name: 'leaf', namespace: 'leaf', port: 'leaf' });
const HEADER_MODIFIER = obj({ set: list(obj({ name: 'leaf', value: 'leaf' })), add: list(obj({ name: 'leaf', value: 'leaf' })), remove: 'leaf' });
const PATH_MODIFIER = obj({ type: 'leaf', replaceFullPath: 'leaf', replacePrefixMatch: 'leaf' });

const FILTER = obj({
  type: 'leaf',
  requestHeaderModifier: HEADER_MODIFIER,
  responseHeaderModifier: HEADER_MODIFIER,
  requestMirror: obj({ backendRef: OBJECT_REF, percent: 'leaf', fraction: obj({ numerator: 'leaf', denominator: 'leaf' }) }),
  requestRedirect: obj({ scheme: 'leaf', hostname: 'leaf', path: PATH_MODIFIER, port: 'leaf', statusCode: 'leaf' }),
  urlRewrite: obj({ hostname: 'leaf', path: PATH_MODIFIER }),
  extensionRef: obj({ group: 'leaf', kind: 'leaf', name: 'leaf' }),
  cors: obj({ allowOrigins: 'leaf', allowMethods: 'leaf', allowHeaders: 'leaf', exposeHeaders: 'leaf', allowCredentials: 'leaf', maxAge: 'leaf' }),
  externalAuth: 'open',
  directResponse: obj({ statusCode: 'leaf', body: obj({ type: 'leaf', string: 'leaf' }) }),
});

const VALUE_MATCH = obj({ type: 'leaf', name: 'leaf', value: 'leaf' });

const RULE = obj({
  name: 'leaf',
  matches: list(obj({ path: obj({ type: 'leaf', value: 'leaf' }), headers: list(VALUE_MATCH), queryParams: list(VALUE_MATCH), method: 'leaf' })),
  filters: list(FILTER),
  backendRefs: list(obj({ group: 'leaf', kind: 'leaf', name: 'leaf', namespace: 'leaf', port: 'leaf', weight: 'leaf', filters: list(FILTER) })),
  timeouts: obj({ request: 'leaf', backendRequest: 'leaf' }),
  retry: obj({ codes: 'leaf', attempts: 'leaf', backoff: 'leaf' }),
  sessionPersistence: 'open',
});

const top = (spec: Shape): Shape => obj({ apiVersion: 'leaf', kind: 'leaf', metadata: METADATA, spec, status: 'open' });

export const SHAPES: Record<string, Shape> = {
  Gateway: top(
    obj({ gatewayClassName: 'leaf', listeners: list(LISTENER), addresses: 'open', infrastructure: 'open', backendTLS: 'open', allowedListeners: 'open' }),
  ),
  HTTPRoute: top(
    obj({
      parentRefs: list(obj({ group: 'leaf', kind: 'leaf', namespace: 'leaf', name: 'leaf', sectionName: 'leaf', port: 'leaf' })),
      hostnames: 'leaf',
      rules: list(RULE),
      useDefaultGateways: 'leaf',
    }),
  ),
  ReferenceGrant: top(obj({ from: list(obj({ group: 'leaf', kind: 'leaf', namespace: 'leaf' })), to: list(obj({ group: 'leaf', kind: 'leaf', name: 'leaf' })) })),
  GatewayClass: top(obj({ controllerName: 'leaf', parametersRef: 'open', description: 'leaf' })),
};

/** Warns about every key the shape does not define, with the nearest known key as the hint. */
export function checkFields(ctx: AdaptContext, o: K8sObject, shape: Shape): void {
  walk(ctx, o, o.value, shape, []);
}

function walk(ctx: AdaptContext, o: K8sObject, value: unknown, shape: Shape, at: JsonPath): void {
  if (shape === 'open') return;
  if ('list' in shape) {
    if (Array.isArray(value)) value.forEach((item, i) => walk(ctx, o, item, shape.list, [...at, i]));
    return;
  }
  if (!isRecord(value)) return;
  const known = Object.keys(shape.fields);
  for (const [key, child] of Object.entries(value)) {
    // Own keys only: a key like `toString` or `__defineGetter__` must not find Object.prototype's.
    const sub = Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined;
    if (sub === undefined) {
      const near = nearest(key, known);
      const where = at.length === 0 ? o.kind : `${o.kind} ${at.filter((p) => typeof p === 'string').join('.')}`;
      ctx.warn(
        o,
        [...at, key],
        'GL_W_UNKNOWN_FIELD',
        `unknown field '${key}' in ${where}: the API server drops it, so it has no effect`,
        near ? `did you mean '${near}'?` : `known fields here: ${known.join(', ')}`,
        true,
      );
      continue;
    }
    if (sub !== 'leaf') walk(ctx, o, child, sub, [...at, key]);
  }
}
