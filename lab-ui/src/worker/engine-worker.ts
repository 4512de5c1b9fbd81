/**
 * The engine's Web Worker: the same engine code as the CLI, off the page's thread so a long
 * simulation never freezes the lab. The page starts one worker per run and terminates it to cancel.
 */
/// <reference lib="webworker" />
import type { ToWorker } from './protocol.ts';
import { BUNDLED_FILES } from './scenario-files.ts';
import { buildCatalog, describeText, readFiles, runSession, withOverrides, type Post } from './run-session.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post: Post = (message) => scope.postMessage(message);

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.type === 'catalog') post({ type: 'catalog', runId: msg.runId, scenarios: buildCatalog(BUNDLED_FILES) });
  else if (msg.type === 'describe') {
    const files = withOverrides(BUNDLED_FILES, msg.files);
    post({ type: 'catalog', runId: msg.runId, scenarios: [describeText(msg.file, msg.text, files, { lint: msg.lint ?? false })] });
  } else if (msg.type === 'read') post({ type: 'files', runId: msg.runId, files: readFiles(msg.paths, BUNDLED_FILES) });
  else if (msg.type === 'run') void runSession(msg, BUNDLED_FILES, post, () => performance.now());
  // 'cancel' needs no handler: the page terminates the worker, which is the only way to stop a
  // synchronous simulation midway.
};
