/** `gatelab run`: simulate a scenario and print what each client got. */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { formatDiagnostic, hasErrors } from '../core/errors.ts';
import { combineHashes } from '../trace/hash.ts';
import type { TraceLevel } from '../trace/events.ts';
import { toJsonl } from '../trace/sink.ts';
import type { ClientSummary } from '../trace/summary.ts';
import { runVariant, type VariantRun } from '../runtimes/sim/run-scenario.ts';
import { command, options, UsageError, type CommandArgs } from './args.ts';
import { EXIT, printDiagnostics } from './io.ts';
import { loadScenarioOrReport, requireVariant, VARIANT_OPTION } from './load.ts';
import { writeSpans } from './spans-export.ts';
import { nameVariants } from './variant-diagnostics.ts';

export const RUN_HELP = `Usage: gatelab run SCENARIO [options]

Simulates a scenario and prints, per variant and client, how many requests were sent, admitted and
rejected (by status), and the latency p50/p99 the client saw.

Options:
  --variant NAME   run only this variant (default: every variant, base first)
  --seed N         override the scenario's seed
  --json           print one JSON object: { scenario, traceHash, variants: [{ name, traceHash, clients }] }
  --trace FILE     write the trace as JSON lines (FILE.<variant>.jsonl when several variants run), and
                   print each file's traceFileSha256 (what sha256sum FILE prints); gatelab trace hash
                   FILE prints the variant's traceHash from it
  --level L        trace level: summary | decisions (default) | full
  --spans FILE     write the requests' spans as OTLP/JSON (FILE.<variant>.json when several variants
                   run); needs the opentelemetry plugin in the gateway, and runs at the full level
  -h, --help       show this help

Exit status: 0 ran, 2 the scenario or its config did not load.`;

const RUN = {
  name: 'run',
  help: RUN_HELP,
  positionals: { exactlyOne: 'scenario file' },
  options: options({
    variant: VARIANT_OPTION,
    seed: { kind: 'int' },
    json: { kind: 'flag' },
    trace: { kind: 'text', value: 'FILE' },
    level: { kind: 'choice', choices: ['summary', 'decisions', 'full'] },
    spans: { kind: 'text', value: 'FILE' },
  }),
} as const;

export const runCommand = command(RUN, runScenario);

async function runScenario({ values, positionals }: CommandArgs<typeof RUN.options>): Promise<number> {
  // Sidecall spans come from full-level effect events, so --spans runs at full.
  const level: TraceLevel = values.level ?? (values.spans ? 'full' : 'decisions');
  if (values.spans && level !== 'full') throw new UsageError(`--spans needs the full trace level (spans come from effect events); drop --level ${level}`);
  const seed = values.seed;
  const scenario = loadScenarioOrReport(positionals[0] as string);
  if (!scenario) return EXIT.usage;
  const wanted = values.variant;
  if (wanted) requireVariant(scenario, wanted);
  const runs: VariantRun[] = [];
  // Every variant loads the gateway config again: print each problem once, when a variant first
  // shows it. Base runs first, so a problem first seen later is that variant's own: name it.
  const names = wanted ? [wanted] : scenario.variants.map((v) => v.name);
  const printed = new Set<string>();
  for (const name of names) {
    const run = await runVariant(scenario, name, { level, ...(seed !== undefined ? { seed } : {}) });
    const fresh = run.diagnostics.filter((d) => !printed.has(formatDiagnostic(d)));
    for (const d of fresh) printed.add(formatDiagnostic(d));
    printDiagnostics(names.includes('base') && name !== 'base' ? fresh.map((d) => nameVariants(d, [name])) : fresh);
    if (hasErrors(run.diagnostics)) return EXIT.usage;
    runs.push(run);
  }
  const files = values.trace ? writeTraces(values.trace, runs) : undefined;
  if (values.spans) {
    for (const w of writeSpans(values.spans, runs, scenario.start)) console.error(`wrote ${w.spans} spans to ${w.path}`);
  }
  const traceHash = combineHashes(runs.map((r) => [r.name, r.traceHash] as const));
  if (values.json) {
    const out = {
      scenario: scenario.id,
      seed: seed ?? scenario.seed,
      level,
      traceHash,
      variants: runs.map((r, i) => ({
        name: r.name,
        traceHash: r.traceHash,
        ...(files ? { traceFile: files[i]!.path, traceFileSha256: files[i]!.sha256 } : {}),
        requests: r.requests,
        clients: r.clients,
      })),
    };
    console.log(JSON.stringify(out, null, 2));
    return EXIT.ok;
  }
  console.log(`${scenario.title} (${scenario.id}, seed ${seed ?? scenario.seed})`);
  for (const [i, r] of runs.entries()) {
    console.log(`\nvariant ${r.name}  trace ${r.traceHash.slice(0, 16)}`);
    if (files) console.log(`  trace file ${files[i]!.path}  sha256 ${files[i]!.sha256}`);
    console.log(formatClientTable(r.clients));
  }
  return EXIT.ok;
}

/**
 * Writes each variant's trace file and returns the SHA-256 of the bytes written (`traceFileSha256`,
 * what `sha256sum` prints): the run's `traceHash` is the structural compact form (issue #9), so the
 * file's own digest is given beside it. The bytes are hashed as they are handed to the file: no
 * second pass over the file.
 */
function writeTraces(file: string, runs: VariantRun[]): { path: string; sha256: string }[] {
  return runs.map((r) => {
    const path = runs.length === 1 ? file : file.replace(/(\.jsonl)?$/, `.${r.name}.jsonl`);
    const bytes = Buffer.from(toJsonl(r.events), 'utf8');
    writeFileSync(path, bytes);
    return { path, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

export function formatClientTable(clients: readonly ClientSummary[]): string {
  const rows = [['client', 'sent', 'admitted', 'rejected', 'p50', 'p99']];
  for (const c of clients) {
    const rejected = Object.entries(c.rejected)
      .map(([status, n]) => `${n}×${status}`)
      .join(' ');
    rows.push([c.client, String(c.sent), String(c.admitted), rejected || '0', ms(c.p50Ms), ms(c.p99Ms)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => '  ' + r.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ')).join('\n');
}

function ms(v: number | null): string {
  return v === null ? '-' : `${Number(v.toFixed(1))}ms`;
}
