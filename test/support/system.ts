/**
 * System programs some suites use (redis-server, nginx, promtool, chromium). `.ci/run` installs them,
 * so in CI a missing one is a failure; on a developer's fresh machine the suite skips and says why.
 */
import { spawnSync } from 'node:child_process';

export function hasProgram(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/** A skip reason when the program is missing outside CI; undefined when the suite should run. */
export function skipWithout(name: string, aptPackage = name): string | undefined {
  if (hasProgram(name) || process.env.CI) return undefined;
  return `skipped: ${name} is not installed (apt-get install -y ${aptPackage}; .ci/run installs it)`;
}
