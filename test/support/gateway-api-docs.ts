/**
 * Gateway API and Kubernetes documents the route tests write again and again, as YAML text with the
 * same lines the tests had inline (several count lines for their file:line:column checks).
 */

/**
 * An HTTPRoute attached to one Gateway, down to its `parentRefs` line: the rest of its spec follows,
 * indented two spaces (`  rules:` and on).
 */
export function httpRouteHead(name: string, opts: { namespace?: string; gateway?: string } = {}): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: ${opts.namespace ?? 'default'} }
spec:
  parentRefs: [{ name: ${opts.gateway ?? 'gw'} }]
`;
}

/** The EndpointSlice `name` of Service `service`, serving port 8080; `endpoints` is the flow-style list. */
export function endpointSlice(name: string, namespace: string, service: string, endpoints: string): string {
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: ${name}, namespace: ${namespace}, labels: { kubernetes.io/service-name: ${service} } }
addressType: IPv4
ports: [{ port: 8080 }]
endpoints: ${endpoints}
`;
}
