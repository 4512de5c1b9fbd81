/**
 * The command-line front of `npm run bench` and `npm run bench:proxy`: `--help` prints the usage and
 * runs nothing, and an unknown `--only=` section is a one-line usage error (exit 2), not a stack trace
 * or a run that measures nothing and exits 0.
 */
export function sectionChoice(args: readonly string[], usage: string, sections: readonly string[]): string | undefined {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage.trim()}\n`);
    process.exit(0);
  }
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  if (only !== undefined && !sections.includes(only)) {
    process.stderr.write(`GL_E_BENCH_ARGS: --only takes one of ${sections.join(' | ')}, not '${only}' (--help lists the options)\n`);
    process.exit(2);
  }
  return only;
}
