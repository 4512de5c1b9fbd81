/**
 * The end of `gatelab serve`'s listening line: which process to signal, and what each signal does.
 * Started as `npx gatelab serve`, the process a user finds first is npm's; npm runs the command through
 * `sh -c` and ends on SIGHUP or SIGTERM without passing them on, so signalling it leaves the proxy
 * running with its port held. Printing this process's own pid removes the guess.
 */
export function signalHint(pid: number = process.pid): string {
  return `pid ${pid} (SIGHUP reloads, SIGTERM drains)`;
}
