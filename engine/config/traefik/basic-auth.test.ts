/**
 * basicAuth in the Traefik adapter: the file provider carries users inline (pkg/config/dynamic/
 * middlewares.go BasicAuth), an entry basicUserParser cannot split makes NewBasic fail so the routers
 * using it are not served (pkg/middlewares/auth/basic_auth.go), and the CRD form names a Secret
 * (pkg/provider/kubernetes/crd/kubernetes.go createBasicAuthMiddleware), which gatelab cannot read.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { loadTraefik, send, session } from './test-kit.ts';
import type { TraefikTable } from './table.ts';

const ALICE = 'alice:$2y$04$CIm50OwCNc4B69czYNn05Oi7s2zWGnryGnuHV5d96QBIooELi56Pe'; // s3cret

/** The users list starts at line 7, column 11 of ba.yaml. */
const fileConfig = (body: string): string => `http:
  routers:
    admin: { rule: "PathPrefix(\`/admin\`)", service: admin, middlewares: [staff] }
  middlewares:
    staff:
      basicAuth:
${body}
  services:
    admin:
      loadBalancer: { servers: [{ url: "http://admin.internal:8080" }] }
`;

function load(body: string) {
  const r = loadTraefik(fileConfig(body), 'ba.yaml');
  const table = r.ir?.router.kind === 'traefik' ? (r.ir.router.table as TraefikTable) : undefined;
  return { ...r, lines: r.diagnostics.map(formatDiagnostic), disabled: table?.routers[0]?.disabled };
}

describe('Traefik basicAuth in the adapter', () => {
  it('file provider: users, headerField and removeHeader reach the plugin; a request runs through it', async () => {
    const r = load(`        users: ["${ALICE}"]\n        headerField: X-WebAuth-User\n        removeHeader: true`);
    expect(r.lines).toEqual([]);
    expect(r.ir?.plugins.map((p) => p.plugin)).toEqual(['basic-auth']);
    const s = session(r.ir!);
    const ok = await send(s, { url: 'http://api.example.com/admin', headers: { Authorization: `Basic ${btoa('alice:s3cret')}` } });
    expect(ok.status).toBe(200);
    const none = await send(s, { url: 'http://api.example.com/admin' });
    expect([none.status, none.response.headers['www-authenticate'], none.response.body]).toEqual([401, 'Basic realm="traefik"', '401 Unauthorized\n']);
  });

  it('basicUserParser: an entry without a colon refuses the middleware at its line; the router is not served', () => {
    const r = load(`        users: ["${ALICE}", "bob"]`);
    expect(r.lines.join('\n')).toContain('ba.yaml:7:');
    expect(r.lines.join('\n')).toContain('warning GL_W_ROUTE_NOT_SERVED: error parsing BasicUser: bob: Traefik refuses the middleware');
    expect(r.ir?.plugins).toEqual([]);
    expect(r.disabled).toContain('error parsing BasicUser: bob');
  });

  it('an unsupported hash and usersFile are warned at their lines; the middleware still runs', () => {
    const r = load(`        users: ["bob:hunter2"]\n        usersFile: /etc/traefik/users`);
    expect(r.lines).toEqual([
      expect.stringMatching(/^ba\.yaml:7:\d+: warning GL_W_NO_EFFECT: basicAuth: users\[0\]: the secret of bob is plain text/),
      expect.stringMatching(/^ba\.yaml:8:\d+: warning GL_W_NO_EFFECT: basicAuth: usersFile "\/etc\/traefik\/users" is not read/),
    ]);
    expect(r.disabled).toBeUndefined();
  });

  it('CRD: users are not a CRD field; a secret is warned as not modelled, no secret refuses the middleware', () => {
    const crd = (spec: string) => loadTraefik(`apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: staff }
spec:
  basicAuth:
${spec}
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: admin }
spec:
  routes:
    - match: PathPrefix(\`/admin\`)
      middlewares: [{ name: staff }]
      services: [{ name: admin, port: 8080 }]
`, 'crd.yaml');
    const withSecret = crd('    secret: staff-users\n    removeHeader: true').diagnostics.map(formatDiagnostic).join('\n');
    expect(withSecret).toContain('crd.yaml:6:13: warning GL_W_NO_EFFECT: basicAuth is not modelled here: Traefik loads its users from Secret "staff-users"');
    const noSecret = crd(`    users: ["${ALICE}"]`).diagnostics.map(formatDiagnostic).join('\n');
    expect(noSecret).toContain('unknown field "users" in basicAuth');
    expect(noSecret).toContain('GL_W_ROUTE_NOT_SERVED: basicAuth: auth secret must be set');
  });
});
