/** Side-by-side comparison of simulated and real outcomes, per client and status, and per request. */
export interface Outcome {
  id: string;
  client: string;
  atMs: number;
  /** 0 when the request failed without an HTTP answer. */
  status: number;
}

export interface CountRow {
  client: string;
  status: number;
  sim: number;
  real: number;
  ok: boolean;
}

export interface Comparison {
  rows: CountRow[];
  /** Requests whose outcome the simulation fixes (every request sent with it got the same answer). */
  compared: number;
  mismatches: Array<{ id: string; sim: number; real: number }>;
  pass: boolean;
}

/**
 * Requests sent at the same instant by the same client race each other on real sockets, so which of
 * them gets the 429 is not fixed; only groups whose simulated outcomes agree are compared one by one.
 */
export function compareOutcomes(sim: readonly Outcome[], real: readonly Outcome[], tolerancePct: number): Comparison {
  const realById = new Map(real.map((o) => [o.id, o]));
  const counts = new Map<string, { client: string; status: number; sim: number; real: number }>();
  const bump = (o: Outcome, side: 'sim' | 'real'): void => {
    const key = `${o.client}\u0000${o.status}`;
    let row = counts.get(key);
    if (!row) counts.set(key, (row = { client: o.client, status: o.status, sim: 0, real: 0 }));
    row[side]++;
  };
  for (const o of sim) bump(o, 'sim');
  for (const o of real) bump(o, 'real');
  const rows = [...counts.values()]
    .sort((a, b) => a.client.localeCompare(b.client) || a.status - b.status)
    .map((r) => ({ ...r, ok: Math.abs(r.real - r.sim) <= (tolerancePct / 100) * Math.max(r.sim, r.real) }));

  const groups = new Map<string, Outcome[]>();
  for (const o of sim) {
    const key = `${o.client}\u0000${o.atMs}`;
    const g = groups.get(key);
    if (g) g.push(o);
    else groups.set(key, [o]);
  }
  let compared = 0;
  const mismatches: Comparison['mismatches'] = [];
  for (const group of groups.values()) {
    if (!group.every((o) => o.status === group[0]!.status)) continue;
    for (const o of group) {
      compared++;
      const r = realById.get(o.id);
      if (!r || r.status !== o.status) mismatches.push({ id: o.id, sim: o.status, real: r?.status ?? 0 });
    }
  }
  const allowed = Math.floor((tolerancePct / 100) * compared);
  return { rows, compared, mismatches, pass: rows.every((r) => r.ok) && mismatches.length <= allowed };
}

export function formatComparison(c: Comparison): string {
  const lines = ['  client            status     sim    real'];
  for (const r of c.rows) {
    lines.push(`  ${r.client.padEnd(16)}  ${String(r.status || 'error').padEnd(6)}  ${String(r.sim).padStart(6)}  ${String(r.real).padStart(6)}${r.ok ? '' : '   ← differs'}`);
  }
  lines.push(`  per request: ${c.compared - c.mismatches.length} of ${c.compared} deterministic requests agree`);
  for (const m of c.mismatches.slice(0, 10)) lines.push(`    ${m.id}: simulated ${m.sim}, real ${m.real || 'no answer'}`);
  if (c.mismatches.length > 10) lines.push(`    … and ${c.mismatches.length - 10} more`);
  return lines.join('\n');
}
