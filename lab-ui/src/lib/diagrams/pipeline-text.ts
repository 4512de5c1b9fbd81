/**
 * Mermaid flowchart text for the pipeline a trace ran through. The engine has no diagram generator
 * yet (design.md places one in engine/diagram/); until it lands this derives the same picture from
 * the trace, so it can never disagree with what actually ran.
 */
import type { TraceIndex } from '../derive/trace-index.ts';

const safeId = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, '_');
const label = (s: string): string => s.replace(/"/g, "'");

export function pipelineMermaid(index: TraceIndex, counts?: Map<string, { passed: number; replied: Array<{ status: number; count: number }> }>): string {
  const lines = ['flowchart LR'];
  const clients = index.clients.slice(0, 6);
  for (const c of clients) lines.push(`  c_${safeId(c)}["client ${label(c)}"] --> front["front balancer"]`);
  for (const r of index.replicas) lines.push(`  front --> r_${safeId(r)}["${label(r)}"]`);
  const stages = index.stages;
  const first = stages[0];
  if (first) for (const r of index.replicas) lines.push(`  r_${safeId(r)} --> s_${safeId(first)}`);
  stages.forEach((s, i) => {
    const c = counts?.get(s);
    const note = c ? `<br/>passed ${c.passed}${c.replied.map((x) => `, ${x.status}×${x.count}`).join('')}` : '';
    lines.push(`  s_${safeId(s)}["${label(s)}${note}"]`);
    const next = stages[i + 1];
    if (next) lines.push(`  s_${safeId(s)} --> s_${safeId(next)}`);
    for (const r of c?.replied ?? []) lines.push(`  s_${safeId(s)} -. ${r.status} .-> c_reply["reply to client"]`);
  });
  const last = stages[stages.length - 1];
  for (const b of index.services) lines.push(`  ${last ? `s_${safeId(last)}` : 'front'} --> b_${safeId(b)}[("${label(b)}")]`);
  return lines.join('\n');
}
