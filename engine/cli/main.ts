/** The `gatelab` command: dispatches to one file per command and turns usage errors into exit 2. */
import { checkCommand, CHECK_HELP } from './check.ts';
import { explainCommand, EXPLAIN_HELP } from './explain.ts';
import { lintCommand, LINT_HELP } from './lint.ts';
import { runCommand, RUN_HELP } from './run.ts';
import { serveCommand, SERVE_HELP } from './serve.ts';
import { verifyCommand, VERIFY_HELP } from './verify.ts';
import { translateCommand, TRANSLATE_HELP } from './translate.ts';
import { attackCommand, ATTACK_HELP } from './attack.ts';
import { traceCommand, TRACE_HELP } from './trace-hash.ts';
import { UsageError } from './args.ts';
import { EXIT } from './io.ts';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; help: string; summary: string }> = {
  run: { run: runCommand, help: RUN_HELP, summary: 'simulate a scenario and summarise each client' },
  check: { run: checkCommand, help: CHECK_HELP, summary: "assert every scenario's expectations" },
  lint: { run: lintCommand, help: LINT_HELP, summary: 'report problems in scenario and config files' },
  explain: { run: explainCommand, help: EXPLAIN_HELP, summary: 'one request through the pipeline, decision by decision' },
  serve: { run: serveCommand, help: SERVE_HELP, summary: 'run the pipeline as a real reverse proxy' },
  verify: { run: verifyCommand, help: VERIFY_HELP, summary: 'check a scenario on real sockets against the simulation' },
  translate: { run: translateCommand, help: TRANSLATE_HELP, summary: 'a gateway config in another dialect, and what it cannot say' },
  attack: { run: attackCommand, help: ATTACK_HELP, summary: 'search traffic for a counterexample to a rate claim' },
  trace: { run: traceCommand, help: TRACE_HELP, summary: "a JSONL trace file's trace hash, as the run computes it (trace hash FILE…)" },
};

export const MAIN_HELP = `Usage: gatelab COMMAND [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

Run "gatelab COMMAND --help" for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(MAIN_HELP);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`gatelab: unknown command '${name}'\n\n${MAIN_HELP}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`gatelab ${name}: ${e.message}\nRun "gatelab ${name} --help" for usage.`);
      return EXIT.usage;
    }
    // Anything else is a gatelab bug: say so plainly, with the stack for the report.
    console.error(`gatelab ${name}: internal error — please report it with the input that caused it.`);
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return EXIT.usage;
  }
}
