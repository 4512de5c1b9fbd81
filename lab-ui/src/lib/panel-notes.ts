/** Short sentences a variant panel writes about its run, kept here so each has a unit test. */

/**
 * The replica chart's OOM count. While the run streams, the kills known so far are only those in the
 * part simulated yet: "0 of 14 OOM kills" on the 300k war story read as a total, and grew to 34.
 */
export function oomKillsNote(byCursor: number, known: number, streaming: boolean): string {
  const kills = (n: number): string => `${n} OOM kill${n === 1 ? '' : 's'}`;
  if (streaming) return `${kills(byCursor)} so far (${known} in the part simulated yet)`;
  return `${byCursor} of ${kills(known)} so far`;
}

/** The heading of a panel's list of requests that ended otherwise than in the base panel. */
export function changesNote(count: number, capped: boolean, base: string): string {
  if (count === 0) return `No request has ended differently than in ${base} yet`;
  if (capped) return `${count}+ requests ended differently than in ${base}`;
  return `${count} ${count === 1 ? 'request' : 'requests'} ended differently than in ${base}`;
}

/** What the editor needs of a panel to say how its run is going. */
export interface RunState {
  status: 'running' | 'ready' | 'error';
  /** Trace known yet (the run streams: playable before it ends). */
  playable: boolean;
  progress: { phase: string; done: number; total: number } | null;
}

/**
 * One line above the editor about the run below it. A scenario opened from a file opens in the
 * editor, which fills a laptop's screen: the 300k-request war story streamed for 13 s below the
 * fold with nothing in view saying it was running, or that its start could be played already.
 */
export function editorRunNote(runs: readonly RunState[]): string | null {
  if (!runs.length || runs.some((r) => r.status === 'error')) return null;
  const running = runs.filter((r) => r.status === 'running');
  if (!running.length) return 'Run finished: play it in the player below.';
  const shares = running.flatMap((r) => (r.progress?.phase === 'simulate' && r.progress.total > 0 ? [Math.floor((100 * r.progress.done) / r.progress.total)] : []));
  const share = shares.length === running.length ? `${Math.min(...shares)} % simulated` : 'starting';
  return running.every((r) => r.playable) ? `Running (${share}): the start can be played already in the player below.` : `Running (${share}): the player below fills in as the engine goes.`;
}
