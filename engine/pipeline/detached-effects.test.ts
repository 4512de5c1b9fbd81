/**
 * The detached-effect contract (types.ts `detach` on a `next` verdict): the chain hands the work to
 * its host and goes straight on — a detached effect never delays the chain, never becomes a wait, and
 * whatever becomes of it (no host support, a copy that fails or never answers) never changes what the
 * client gets. The copy leaves once, when the request goes upstream, never for a request the gateway
 * answered itself. RequestMirror semantics: ../shared/semantics.md §7.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatewayApiIr } from '../config/gateway-api/test-kit.ts';
import { runChain, type ChainHost, type ChainStage } from './chain.ts';
import { Gateway, type HandledRequest } from './gateway.ts';
import { HeaderMap } from './headers.ts';
import type { DetachedCall, UpstreamCall } from './host.ts';
import { MIRROR_ROUTE_CONFIG, requestContext, stubPipelineHost } from './test-kit.ts';
import { next, wait, type DetachedEffect, type Verdict } from './types.ts';

// Pin a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`detached effects property seed: ${seed} (set FC_SEED to replay)`);

/** A stand-in detached effect: only its identity matters to the chain. */
const effect = (n: number): DetachedEffect => ({ type: 'request-copy', purpose: `copy ${n}`, service: {} as never, target: { host: 'h', port: n, weight: 1 }, hostSuffix: '', timeoutMs: 1 });

type Kind = 'plain' | 'detach' | 'wait';

describe('detached effects in the chain', () => {
  it('never delay the chain: only waits defer it, every detached effect reaches the host in stage order', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<Kind>('plain', 'detach', 'wait'), { maxLength: 12 }), fc.boolean(), (kinds, hostTakes) => {
        const deferred: Array<() => void> = [];
        const handed: string[] = [];
        const decided: string[] = [];
        const host: ChainHost = {
          replica: 'gw-0',
          now: () => 0,
          draw: () => 0.5,
          decided: (stage) => decided.push(stage.plugin),
          perform: (_e, _s, done) => deferred.push(() => done({ ok: true })),
          // A host may not take detached work at all (explain): the chain must not care.
          ...(hostTakes ? { detach: (effects: readonly DetachedEffect[], stage: ChainStage) => handed.push(...effects.map((e) => `${stage.plugin}/${e.type === 'request-copy' ? e.purpose : 'store'}`)) } : {}),
        };
        const stages: ChainStage[] = kinds.map((kind, i) => ({
          plugin: `s${i}`,
          phase: 'access',
          run: (): Verdict => {
            if (kind === 'detach') return { kind: 'next', reason: 'copy', detach: [effect(i), effect(i + 100)] };
            if (kind === 'wait') return wait({ type: 'sleep', purpose: 'w', ms: 1 }, 'waiting', () => next('resumed'));
            return next('plain');
          },
        }));
        let finished = false;
        runChain(stages, requestContext(), host, () => (finished = true));
        let resolved = 0;
        while (deferred.length > 0) {
          (deferred.shift() as () => void)();
          resolved++;
        }
        expect(finished).toBe(true);
        expect(resolved, 'only waits defer the chain').toBe(kinds.filter((k) => k === 'wait').length);
        expect(decided.filter((p, i) => decided.indexOf(p) === i)).toEqual(stages.map((s) => s.plugin));
        const expectedHanded = hostTakes ? kinds.flatMap((k, i) => (k === 'detach' ? [`s${i}/copy ${i}`, `s${i}/copy ${i + 100}`] : [])) : [];
        expect(handed).toEqual(expectedHanded);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('a chain without waits ends inside runChain, detached work or not', () => {
    let finished = false;
    const host: ChainHost = { replica: 'gw-0', now: () => 0, draw: () => 0.5, decided: () => undefined, perform: () => undefined, detach: () => undefined };
    runChain([{ plugin: 'm', phase: 'access', run: () => ({ kind: 'next', reason: 'copy', detach: [effect(1)] }) }], requestContext(), host, () => (finished = true));
    expect(finished).toBe(true);
  });
});

type CopyHost = 'none' | 'records' | 'throws-later' | 'never-answers';

interface Seen {
  handled: HandledRequest;
  upstreamCalls: UpstreamCall[];
  copies: DetachedCall[];
  /** What happened, in order: "copy" when the host got the copy, "upstream" when the main call left. */
  order: string[];
}

/** One request through a fresh gateway; the upstream answers 200, the copy goes where `copyHost` says. */
function send(copyHost: CopyHost, config = MIRROR_ROUTE_CONFIG): Promise<Seen> {
  const gw = new Gateway(gatewayApiIr(config), 'gw-0', 0);
  const seen: Omit<Seen, 'handled'> = { upstreamCalls: [], copies: [], order: [] };
  const host = stubPipelineHost({
    callUpstream: (call: UpstreamCall, done: (a: { ok: true; status: number; headers: HeaderMap; body: string }) => void) => {
      seen.upstreamCalls.push(call);
      seen.order.push('upstream');
      queueMicrotask(() => done({ ok: true, status: 200, headers: new HeaderMap([['content-type', 'text/plain']]), body: 'v1' }));
    },
    ...(copyHost === 'none'
      ? {}
      : {
          sendDetached: (copy: DetachedCall) => {
            seen.copies.push(copy);
            seen.order.push('copy');
            // A copy that fails: its error surfaces later, on its own, and must reach nobody.
            if (copyHost === 'throws-later') queueMicrotask(() => void Promise.reject(new Error('mirror refused')).catch(() => undefined));
          },
        }),
  });
  const headers = new HeaderMap([['host', 'api.example.com'], ['x-client', 'c1']]);
  return new Promise((resolve) => {
    gw.handle({ id: 'req-1', method: 'POST', scheme: 'http', host: 'api.example.com', port: 80, path: '/api/items', query: '', headers, body: 'payload', peerIp: '10.0.0.9' }, host, (handled) =>
      resolve({ handled, ...seen }),
    );
  });
}

const outcome = (s: Seen) => ({
  status: s.handled.response.status,
  headers: s.handled.response.headers.toJSON(),
  body: s.handled.response.body,
  upstream: s.upstreamCalls.map((c) => ({ path: c.request.path, host: c.request.host, headers: c.request.headers.toJSON(), target: `${c.target.host}:${c.target.port}` })),
});

describe('detached copies through a gateway (§7 RequestMirror)', () => {
  it('the client gets the same answer whether the copy is sent, dropped, fails or never answers', async () => {
    const baseline = outcome(await send('none'));
    expect(baseline.status).toBe(200);
    for (const copyHost of ['records', 'throws-later', 'never-answers'] as const) {
      expect(outcome(await send(copyHost)), copyHost).toEqual(baseline);
    }
  });

  it('the copy is handed over once, just before the main request goes upstream, as the main request is sent (Host marked -shadow)', async () => {
    const seen = await send('records');
    expect(seen.order).toEqual(['copy', 'upstream']);
    expect(seen.copies).toHaveLength(1);
    const copy = seen.copies[0] as DetachedCall;
    const main = seen.upstreamCalls[0] as UpstreamCall;
    expect(copy.call.service.name).toBe('api-v2');
    expect(copy.call.request.method).toBe('POST');
    expect(copy.call.request.path).toBe(main.request.path);
    expect(copy.call.request.body).toBe('payload');
    expect(copy.call.request.headers.get('x-client')).toBe('c1');
    expect(copy.call.request.headers.get('x-forwarded-for')).toBe(main.request.headers.get('x-forwarded-for'));
    expect(copy.call.request.headers.get('host')).toBe('api.example.com-shadow');
    expect(main.request.headers.get('host')).toBe('api.example.com');
  });

  it('a request the gateway answers itself sends no copy, though the filter chose to copy it', async () => {
    // The rule's own backend is in a namespace no ReferenceGrant opens: Envoy Gateway answers 500
    // and, with no upstream request, Envoy's router sends no shadow either.
    const seen = await send('records', MIRROR_ROUTE_CONFIG.replace('backendRefs: [{ name: api, port: 8080 }]', 'backendRefs: [{ name: api, namespace: elsewhere, port: 8080 }]'));
    expect(seen.handled.response.status).toBe(500);
    expect(seen.upstreamCalls).toEqual([]);
    expect(seen.copies).toEqual([]);
  });
});
