/**
 * The lesson's sections and the scenarios that teach each, so the scenario search finds a scenario
 * by the heading a student has just read. The scenarios' own words rarely say "circuit breaking",
 * "metrics" or "connection draining" as the lesson does: "Circuit Breaking: Stop Hitting a Dead
 * Service", "request transformation" and "distributed tracing" matched no scenario at all.
 * Titles are the lesson's headings; `words` adds the terms its sub-headings and text use.
 */

export interface LessonSection {
  /** The heading as the lesson writes it. */
  title: string;
  /** Sub-headings and the section's own vocabulary, searched beside the title. */
  words: string;
  /** Scenario ids, the ones to start with first. */
  scenarios: readonly string[];
}

export const LESSON_SECTIONS: readonly LessonSection[] = [
  { title: 'Gateway vs. Load Balancer vs. Reverse Proxy', words: 'layers L4 L7 what each layer cares about', scenarios: ['proxy-lb-gateway'] },
  { title: 'Why API Gateways Exist: Cross-Cutting Concerns', words: 'twelve services one policy', scenarios: ['auth-at-the-edge', 'proxy-lb-gateway'] },
  { title: 'The Gateway Landscape', words: 'Kong Traefik AWS API Gateway APISIX Ambassador Emissary products', scenarios: ['kong-snippets', 'traefik-snippets', 'traefik-discovery', 'aws-29s-timeout'] },
  {
    title: 'Rate Limiting: Three Algorithms You Should Know',
    words: 'fixed window sliding window token bucket boundary burst',
    scenarios: ['which-algorithm', 'boundary-burst', 'sliding-window-math', 'token-bucket-walkthrough', 'token-bucket-flavours', 'local-vs-shared-counters', 'nginx-limit-req'],
  },
  {
    title: 'Authentication at the Gateway',
    words: 'the pattern JWT validation OAuth2 OIDC API key authentication forward auth external auth auth-url',
    scenarios: ['auth-at-the-edge', 'kong-jwt-snippet', 'jwt-claims', 'jwks-cache', 'hide-credentials', 'partner-tiers', 'traefik-snippets', 'ingress-nginx-auth-url', 'ip-allow-list-behind-lb', 'traefik-basic-auth'],
  },
  { title: 'Request and Response Transformation', words: 'transform headers strip path request-transformer response-transformer', scenarios: ['request-transformer-snippet', 'plugin-order', 'strip-path', 'partner-tiers'] },
  {
    title: 'Canary Releases via Gateway',
    words: 'canary with nginx-ingress annotations canary weight canary by header Gateway API native traffic splitting weights sticky session affinity cookie',
    scenarios: ['canary-ramp', 'ingress-snippets', 'gateway-api-snippets', 'header-routing', 'partner-canary', 'shadow-traffic', 'ingress-nginx-sticky-canary'],
  },
  {
    title: 'Circuit Breaking: Stop Hitting a Dead Service',
    words: 'circuit breaker states closed open half-open outlier detection ejection health checks fail fast',
    scenarios: ['circuit-breaker-states', 'outlier-ejection', 'kong-health-checks', 'traefik-passive-health', 'traefik-health-checks', 'retry-storm'],
  },
  {
    title: 'Observability: Seeing Through the Gateway',
    words: 'access logs metrics Prometheus distributed tracing request_time upstream_time latency',
    scenarios: ['trace-propagation', 'bottleneck-diagnosis', 'kong-bottleneck'],
  },
  {
    title: 'Kubernetes Ingress vs. Gateway API',
    words: 'Ingress the original Gateway API the successor HTTPRoute GatewayClass role separation ReferenceGrant annotations proxy-body-size 413 upload',
    scenarios: ['role-separation', 'gateway-api-snippets', 'ingress-snippets', 'ingress-annotation-typo', 'ingress-limit-rps', 'ingress-rps-and-rpm', 'ingress-upload-body-size'],
  },
  { title: 'War Story: When the Gateway Becomes the Bottleneck', words: 'gateway CPU memory saturation scale replicas in-flight cap shed load', scenarios: ['kong-bottleneck', 'bottleneck-diagnosis', 'hpa-scale-out', 'traefik-in-flight-cap'] },
  {
    title: 'Gateway Anti-Patterns',
    words: 'single point of failure no connection draining during deploys preStop PodDisruptionBudget rate limiting by source IP behind a CDN X-Forwarded-For',
    scenarios: ['single-replica-drain', 'hpa-scale-out', 'deploy-502-blip', 'cdn-ip-rate-limiting', 'ip-allow-list-behind-lb', 'auth-outage-cascade', 'ingress-nginx-auth-url'],
  },
  { title: 'Exercises', words: 'read a gateway config design a gateway strategy diagnose the bottleneck', scenarios: ['jwt-claims', 'strip-path', 'local-vs-shared-counters', 'partner-tiers', 'partner-canary', 'bottleneck-diagnosis'] },
];

/** The searchable text of the sections that list each scenario: id → titles and words. */
export function lessonWordsById(sections: readonly LessonSection[] = LESSON_SECTIONS): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of sections) for (const id of s.scenarios) out.set(id, `${out.get(id) ?? ''} ${s.title} ${s.words}`);
  return out;
}
