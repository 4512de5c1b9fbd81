/** `gatelab verify`: run a scenario for real on loopback sockets and compare with the simulation. */
import { hasErrors } from '../core/errors.ts';
import { formatComparison } from '../runtimes/proxy/verify/compare.ts';
import { verifyVariant } from '../runtimes/proxy/verify/verify.ts';
import { intOption, parse, UsageError } from './args.ts';
import { EXIT, printDiagnostics } from './io.ts';
import { loadScenarioFile } from './load.ts';

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

export async function verifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    variant: { type: 'string' },
    tolerance: { type: 'string' },
    seed: { type: 'string' },
  });
  if (values.help) {
    console.log(VERIFY_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('verify takes exactly one scenario file');
  const tolerance = Number(values.tolerance ?? 0);
  if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance > 100) throw new UsageError('--tolerance takes a percentage from 0 to 100');
  const loaded = loadScenarioFile(positionals[0] as string);
  if (!loaded.scenario || hasErrors(loaded.diagnostics)) {
    printDiagnostics(loaded.diagnostics);
    return EXIT.usage;
  }
  const scenario = loaded.scenario;
  const wanted = values.variant as string | undefined;
  if (wanted && !scenario.variants.some((v) => v.name === wanted)) {
    throw new UsageError(`no variant '${wanted}'; the scenario has: ${scenario.variants.map((v) => v.name).join(', ')}`);
  }
  const marked = scenario.variants.filter((v) => v.verify).map((v) => v.name);
  const names = wanted ? [wanted] : marked.length > 0 ? marked : ['base'];
  let failed = false;
  for (const name of names) {
    const report = await verifyVariant(scenario, name, {
      tolerancePct: tolerance,
      ...(values.seed !== undefined ? { seed: intOption(values.seed, 'seed') as number } : {}),
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
