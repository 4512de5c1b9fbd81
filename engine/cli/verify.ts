/** `gatelab verify`: run a scenario for real on loopback sockets and compare with the simulation. */
import { hasErrors } from '../core/errors.ts';
import { formatComparison } from '../runtimes/proxy/verify/compare.ts';
import { verifyVariant } from '../runtimes/proxy/verify/verify.ts';
import { command, options, type CommandArgs } from './args.ts';
import { EXIT, printDiagnostics } from './io.ts';
import { loadScenarioFile, requireVariant, VARIANT_OPTION } from './load.ts';

export const VERIFY_HELP = `Usage: gatelab verify SCENARIO [--variant NAME] [--tolerance PCT] [--seed N]

Checks the simulation against reality. The scenario's backends start as real HTTP servers on
127.0.0.1 that behave like their models; the gateway config runs in real proxies, one per replica (a
real redis-server joins when the config uses policy redis); the traffic is sent in real time from
loopback source addresses (every scenario address is mapped one to one into 127.20.0.0/16, trusted
ranges with them). Idle stretches are skipped by moving the proxies' clock, so calendar windows fall
where the scenario puts them without waiting. Then outcomes are compared per client and status, and
per request where the simulation fixes the outcome.

Options:
  --variant NAME     verify this variant (default: every variant the scenario marks verify: true,
                     or base when it marks none)
  --tolerance PCT    allowed difference in counts, in percent (default 0)
  --seed N           override the scenario's seed
  -h, --help         show this help

Exit status: 0 agrees, 1 differs beyond the tolerance, 2 usage or load error.`;

const VERIFY = {
  name: 'verify',
  help: VERIFY_HELP,
  positionals: { exactlyOne: 'scenario file' },
  options: options({
    variant: VARIANT_OPTION,
    tolerance: { kind: 'number', min: 0, max: 100, expected: 'a percentage from 0 to 100', default: 0 },
    seed: { kind: 'int' },
  }),
} as const;

export const verifyCommand = command(VERIFY, verify);

async function verify({ values, positionals }: CommandArgs<typeof VERIFY.options>): Promise<number> {
  const loaded = loadScenarioFile(positionals[0] as string);
  if (!loaded.scenario || hasErrors(loaded.diagnostics)) {
    printDiagnostics(loaded.diagnostics);
    return EXIT.usage;
  }
  const scenario = loaded.scenario;
  const wanted = values.variant;
  if (wanted) requireVariant(scenario, wanted);
  const marked = scenario.variants.filter((v) => v.verify).map((v) => v.name);
  const names = wanted ? [wanted] : marked.length > 0 ? marked : ['base'];
  let failed = false;
  for (const name of names) {
    const report = await verifyVariant(scenario, name, {
      tolerancePct: values.tolerance,
      ...(values.seed !== undefined ? { seed: values.seed } : {}),
      log: (l) => console.error(l),
    });
    printDiagnostics(report.diagnostics.filter((d) => d.severity === 'error'));
    if (!report.comparison) return EXIT.usage;
    console.log(`${report.comparison.pass ? 'AGREES' : 'DIFFERS'} ${scenario.id} [${name}] (${(report.realMs / 1000).toFixed(1)} s real for ${(report.sceneMs / 1000).toFixed(1)} s of scenario time)`);
    console.log(formatComparison(report.comparison));
    console.log(`  worst arrival ${report.maxSendLagMs.toFixed(0)} ms behind schedule`);
    if (!report.comparison.pass && report.maxSendLagMs > 100) {
      console.log('  note: requests went out well behind schedule (a busy machine?); a burst straddling a window edge can then differ — rerun on an idle machine');
    }
    if (!report.comparison.pass) failed = true;
  }
  return failed ? EXIT.failed : EXIT.ok;
}
