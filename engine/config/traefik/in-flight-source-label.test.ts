/**
 * A sourceCriterion problem names the middleware it is in. inFlightReq reads sourceCriterion as
 * rateLimit does (the same GetSourceExtractor), and its unknown field was reported as though it sat
 * in a rateLimit, sending the reader to a middleware the file may not even have.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { parseSourceCriterion } from '../../plugins/rate-limit/source-criterion.ts';
import { loadTraefik } from './test-kit.ts';

const crd = `apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: cap }
spec:
  inFlightReq: { amount: 3, sourceCriterion: { requestHost: true, byHost: true } }
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: r }
spec:
  routes: [{ match: "PathPrefix(\`/\`)", kind: Rule, middlewares: [{ name: cap }], services: [{ name: s, port: 80 }] }]
`;

describe('an unknown sourceCriterion field names its middleware', () => {
  it('in an inFlightReq, the Traefik reader says inFlightReq.sourceCriterion', () => {
    const out = loadTraefik(crd, 'if.yaml').diagnostics.map(formatDiagnostic);
    const unknown = out.filter((l) => l.includes('GL_W_UNKNOWN_FIELD'));
    expect(unknown).toEqual([expect.stringMatching(/^if\.yaml:5:\d+: warning GL_W_UNKNOWN_FIELD: unknown field "byHost" in inFlightReq\.sourceCriterion;/)]);
    expect(out.join('\n')).not.toContain('rateLimit');
  });

  it('the shared reader takes the middleware name, rateLimit when none is given', () => {
    const seen: string[] = [];
    const report = { error: (_p: unknown, _c: string, m: string) => seen.push(m), warn: (_p: unknown, _c: string, m: string) => seen.push(m) };
    parseSourceCriterion({ requestHost: true, byHost: true }, report, ['sourceCriterion'], 'inFlightReq');
    parseSourceCriterion({ requestHost: true, byHost: true }, report);
    expect(seen).toEqual(["unknown field 'byHost' in inFlightReq.sourceCriterion config", "unknown field 'byHost' in rateLimit.sourceCriterion config"]);
  });
});
