/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and prints the functions with the most self time, so a
 * profile can be summarised in a report without opening DevTools.
 *
 *   npx tsx test/bench/proxy/profile-top.ts FILE.cpuprofile [N] [SKIP_SECONDS]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function; samples in the first `skipMs` (start-up, module compilation) are left out. */
export function topSelfTime(profile: CpuProfile, n: number, skipMs = 0): Array<{ name: string; share: number }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const micros = new Map<string, number>();
  let total = 0;
  let elapsed = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    elapsed += delta;
    if (!node || elapsed < skipMs * 1000) return;
    const f = node.callFrame;
    const file = f.url.replace(/^.*\/(node_modules\/)?/, '$1');
    const name = `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
    micros.set(name, (micros.get(name) ?? 0) + delta);
    total += delta;
  });
  return [...micros.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, share: us / total }));
}

const isMain = process.argv[1]?.endsWith('profile-top.ts');
if (isMain) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: profile-top.ts FILE.cpuprofile [N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  for (const row of topSelfTime(profile, Number(process.argv[3] ?? 25), Number(process.argv[4] ?? 0) * 1000)) console.log(`${(row.share * 100).toFixed(1).padStart(5)} %  ${row.name}`);
}
