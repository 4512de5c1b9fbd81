/** `gatelab attack`: search request schedules for a counterexample to a rate claim, print it as a scenario. */
import { writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasErrors } from '../core/errors.ts';
import { formatDuration } from '../core/duration.ts';
import { attackScenario, DEFAULT_BUDGET, type EvaluatorChoice, type SearchResult } from '../adversary/index.ts';
import { intOption, parse, UsageError } from './args.ts';
import { displayPath, EXIT, printDiagnostics } from './io.ts';
import { loadScenarioFile } from './load.ts';

export const ATTACK_HELP = `Usage: gatelab attack SCENARIO --claim "max N per D" [options]

Searches request schedules for one client (fast-check, then shrinking) for a counterexample to the
claim "never more than N admitted requests in any window [t, t+D)", D a Go duration (60s, 1m). A
request counts at the instant the gateway admitted it (forwarded it), if its response was 2xx.
A counterexample is confirmed by the full simulation and printed as a scenario file with the
violated claim as its expectation: "gatelab check" reproduces it, the lab replays it.

The scenario goes to stdout (or --out); the search summary goes to stderr (stdout with --out).

Options:
  --claim TEXT      the claim, "max 100 per 60s" (required)
  --variant NAME    the variant to attack (default: base)
  --client ID       the client whose traffic is replaced (default: the first); the others are left out
  --runs N          schedules to try before giving up (default: ${DEFAULT_BUDGET}); shrinking comes on top
  --seed N          fast-check's seed (default: the scenario's seed)
  --evaluator E     auto (default) | fast | sim — see docs/adversary.md
  --out FILE        write the counterexample scenario to FILE
  -h, --help        show this help

Exit status: 1 a counterexample was found, 0 none within the budget, 2 usage or load errors.`;

const SCHEMA_FILE = fileURLToPath(new URL('../scenario/scenario.schema.json', import.meta.url));

export async function attackCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    claim: { type: 'string' },
    variant: { type: 'string' },
    client: { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string' },
    evaluator: { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) {
    console.log(ATTACK_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('attack takes exactly one scenario file');
  const claim = values.claim as string | undefined;
  if (!claim) throw new UsageError('attack needs --claim, for example --claim "max 100 per 60s"');
  const budget = intOption(values.runs, 'runs');
  if (budget === 0) throw new UsageError('--runs must be at least 1');
  const seed = intOption(values.seed, 'seed');
  const evaluator = (values.evaluator as string | undefined) ?? 'auto';
  if (!['auto', 'fast', 'sim'].includes(evaluator)) throw new UsageError(`--evaluator must be auto, fast or sim, not '${evaluator}'`);
  const out = values.out as string | undefined;

  const loaded = loadScenarioFile(positionals[0] as string);
  printDiagnostics(loaded.diagnostics.filter((d) => d.severity === 'warning'));
  if (!loaded.scenario || hasErrors(loaded.diagnostics)) {
    printDiagnostics(loaded.diagnostics.filter((d) => d.severity === 'error'));
    return EXIT.usage;
  }
  const scenario = loaded.scenario;
  // Paths in the printed scenario are relative to where it will live: --out's folder, else here.
  const home = out ? dirname(resolve(out)) : process.cwd();
  const scenarioDir = dirname(resolve(scenario.file));
  const outcome = await attackScenario(scenario, {
    claim,
    variant: (values.variant as string | undefined) ?? 'base',
    ...(values.client !== undefined ? { client: values.client as string } : {}),
    ...(budget !== undefined ? { budget } : {}),
    ...(seed !== undefined ? { seed } : {}),
    evaluator: evaluator as EvaluatorChoice,
    render: {
      schemaPath: slashes(relative(home, SCHEMA_FILE)),
      rebasePath: (p) => slashes(relative(home, resolve(scenarioDir, p))),
    },
  });
  printDiagnostics(outcome.diagnostics.filter((d) => d.severity === 'warning'));
  if (!outcome.result || hasErrors(outcome.diagnostics)) {
    printDiagnostics(outcome.diagnostics.filter((d) => d.severity === 'error'), (s) => console.error(`gatelab attack: ${s}`));
    return EXIT.usage;
  }
  const say = out ? (s: string) => console.log(s) : (s: string) => console.error(s);
  for (const line of summaryLines(displayPath(resolve(scenario.file)), outcome.result)) say(line);
  if (!outcome.scenarioText) return EXIT.ok;
  if (out) {
    writeFileSync(out, outcome.scenarioText);
    say(`wrote ${out}; replay it with: gatelab run ${out}`);
  } else {
    process.stdout.write(outcome.scenarioText);
  }
  return EXIT.failed;
}

export function summaryLines(file: string, r: SearchResult): string[] {
  const lines = [
    `attack ${file}: claim "${r.claim.text}", seed ${r.seed}, budget ${r.budget}, evaluator ${r.evaluator}` +
      (r.fallbackReasons.length ? ` (the scenario has ${r.fallbackReasons.join('; ')})` : ''),
  ];
  const c = r.counterexample;
  if (c) {
    const w = c.confirmed;
    lines.push(
      `counterexample after ${r.runs} schedule${r.runs === 1 ? '' : 's'}, shrunk in ${r.shrinks} step${r.shrinks === 1 ? '' : 's'} to ${c.schedule.length} requests`,
      `busiest window [${formatDuration(w.startMs)}, ${formatDuration(w.startMs + r.claim.windowMs)}): ${w.count} admitted, the claim allows ${r.claim.max}`,
    );
    return lines;
  }
  if (r.unconfirmed) {
    const u = r.unconfirmed;
    lines.push(
      `the fast evaluator saw ${u.searched.count} admitted in one window, but the full simulation of the same ${u.schedule.length} requests only ${u.confirmed.count}: not reported (see docs/adversary.md)`,
    );
  }
  lines.push(`no counterexample in ${r.runs} schedules: the claim held for every one tried (a search, not a proof)`);
  return lines;
}

function slashes(p: string): string {
  return p.split('\\').join('/');
}
