/**
 * The engine's Web Worker: the same engine code as the CLI, off the page's thread so a long
 * simulation never freezes the lab. The page starts one worker per run and terminates it to cancel.
 */
/// <reference lib="webworker" />
import { internalError, type ToWorker } from './protocol.ts';
import { BUNDLED_FILES, fetchScenarioFiles, prepareFiles, shippedCatalog, shippedPaths } from './scenario-files.ts';
import { describeText, readFiles, runSession, withOverrides, type Post } from './run-session.ts';
import { prepareTraceHash } from '../../../engine/trace/hash.ts';
import { GATEWAY_ADAPTERS } from '../../../engine/config/adapter-registry.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post: Post = (message, transfer) => scope.postMessage(message, transfer ?? []);

const failed = (runId: number, what: string) => (e: unknown) => post({ type: 'error', runId, diagnostics: [internalError(`${what}: ${String(e)}`)] });

scope.onmessage = async (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  // Every run hashes with hash-wasm (≈ 2 × faster than the pure-JS hash, docs/adr/0002): its 7 KB
  // chunk fits the first load since the catalog dropped its narration texts. It is fetched alongside
  // the scenario texts, not before them; a failed load falls back to the pure-JS hash.
  const hashReady = msg.type === 'run' ? prepareTraceHash() : undefined;
  // Scenario texts are fetched on demand (scenario-files.ts): first fetch what this message reads.
  if (!(await prepareFiles(msg).then(() => true, failed(msg.runId, 'the scenario files could not be fetched')))) return;
  // Gateway adapters come per dialect (engine/config/adapter-registry.ts): loading the scenario above noted
  // the ones it needs. Exercises and the adversary load scenarios of their own, so they get every one.
  const adapters = msg.type === 'exercise' || msg.type === 'attack' ? 'all' : 'noted';
  if (!(await GATEWAY_ADAPTERS.prepare(adapters).then(() => true, failed(msg.runId, 'the gateway adapters could not be fetched')))) return;
  await hashReady;
  if (msg.type === 'catalog') void shippedCatalog().then((scenarios) => post({ type: 'catalog', runId: msg.runId, scenarios }), failed(msg.runId, 'the catalog could not be loaded'));
  else if (msg.type === 'describe') {
    const files = withOverrides(BUNDLED_FILES, msg.files);
    post({ type: 'catalog', runId: msg.runId, scenarios: [describeText(msg.file, msg.text, files, { lint: msg.lint ?? false })] });
  } else if (msg.type === 'read') post({ type: 'files', runId: msg.runId, files: readFiles(msg.paths, BUNDLED_FILES) });
  else if (msg.type === 'run') void runSession(msg, BUNDLED_FILES, post, () => performance.now());
  // Decks and the adversary search load on first use, as their own chunks: not part of the first load.
  else if (msg.type === 'decks') {
    void import('./deck-session.ts')
      .then((m) => post({ type: 'decks', runId: msg.runId, answer: m.loadDecks() }))
      .catch((e: unknown) => post({ type: 'error', runId: msg.runId, diagnostics: [internalError(`the flashcard decks could not be loaded: ${String(e)}`)] }));
  } else if (msg.type === 'attack') {
    void import('./attack-session.ts')
      .then((m) => m.attackSession(msg, BUNDLED_FILES, post))
      .catch((e: unknown) => post({ type: 'error', runId: msg.runId, diagnostics: [internalError(`the adversary search could not be loaded: ${String(e)}`)] }));
  }
  else if (msg.type === 'exercise') {
    // Exercises (their files and graders) load only when asked for, never with a plain run.
    void import('../lib/exercises/exercise-worker.ts')
      .then((m) => m.answerExercise(msg.runId, msg.request, { files: BUNDLED_FILES, paths: shippedPaths(), fetchScenario: (p) => fetchScenarioFiles(p, undefined) }, post))
      .catch((e: unknown) => post({ type: 'error', runId: msg.runId, diagnostics: [internalError(`the exercises could not be loaded: ${String(e)}`)] }));
  }
  // 'cancel' needs no handler: the page terminates the worker, which is the only way to stop a
  // synchronous simulation midway.
};
