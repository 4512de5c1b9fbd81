/** `gatelab attack`: search request schedules for a counterexample to a rate claim, print it as a scenario. */
import { writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasErrors } from '../core/errors.ts';
import { formatDuration } from '../core/duration.ts';
import { attackScenario, DEFAULT_BUDGET, type EvaluatorChoice, type SearchResult } from '../adversary/index.ts';
import { command, options, type CommandArgs } from './args.ts';
import { displayPath, EXIT, printDiagnostics } from './io.ts';
import { loadScenarioOrReport, VARIANT_OPTION } from './load.ts';

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

const ATTACK = {
  name: 'attack',
  help: ATTACK_HELP,
  positionals: { exactlyOne: 'scenario file' },
  options: options({
    claim: { kind: 'text', value: 'TEXT', required: true, example: '"max 100 per 60s"' },
    variant: { ...VARIANT_OPTION, default: 'base' },
    client: { kind: 'text', value: 'ID' },
    runs: { kind: 'int', min: 1 },
    seed: { kind: 'int' },
    evaluator: { kind: 'choice', choices: ['auto', 'fast', 'sim'], default: 'auto' },
    out: { kind: 'text', value: 'FILE' },
  }),
} as const;

export const attackCommand = command(ATTACK, attack);

async function attack({ values, positionals }: CommandArgs<typeof ATTACK.options>): Promise<number> {
  const { claim, out } = values;
  const scenario = loadScenarioOrReport(positionals[0] as string);
  if (!scenario) return EXIT.usage;
  // Paths in the printed scenario are relative to where it will live: --out's folder, else here.
  const home = out ? dirname(resolve(out)) : process.cwd();
  const scenarioDir = dirname(resolve(scenario.file));
  const outcome = await attackScenario(scenario, {
    claim,
    variant: values.variant,
    ...(values.client !== undefined ? { client: values.client } : {}),
    ...(values.runs !== undefined ? { budget: values.runs } : {}),
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    evaluator: values.evaluator satisfies EvaluatorChoice,
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
