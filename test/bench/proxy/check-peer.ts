/**
 * Before a peer is timed, checks that it really runs the policies it claims: no key → 401, the key →
 * 200 with the added header seen by the upstream (which echoes it as x-saw-bench). A peer that
 * skipped a policy would look faster for the wrong reason.
 */
import { request } from 'undici';
import { BENCH_KEY } from './peers/policies.ts';
import type { RunningPeer } from './process-tools.ts';

export async function checkPeer(peer: RunningPeer, policies: boolean): Promise<void> {
  const url = `http://127.0.0.1:${peer.port}/bench`;
  const withKey = await request(url, { headers: { apikey: BENCH_KEY } });
  await withKey.body.dump();
  if (withKey.statusCode !== 200) throw new Error(`GL_E_BENCH_INVALID: ${peer.name} answered ${withKey.statusCode} to a request with the key; expected 200`);
  if (!policies) return;
  if (withKey.headers['x-saw-bench'] !== '1') throw new Error(`GL_E_BENCH_INVALID: ${peer.name} did not add the x-bench header (the upstream saw '${String(withKey.headers['x-saw-bench'])}')`);
  const noKey = await request(url);
  await noKey.body.dump();
  if (noKey.statusCode !== 401) throw new Error(`GL_E_BENCH_INVALID: ${peer.name} answered ${noKey.statusCode} without a key; expected 401`);
}
