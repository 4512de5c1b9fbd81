/**
 * The adversary search in the worker: load the scenario as a run would, search for a schedule that
 * breaks the claim, and send back the verdict and the counterexample as a scenario text the page can
 * open as a local scenario. Imported lazily: fast-check and the search stay out of the first load.
 */
import { attackScenario, loadScenarioText } from '../../../engine/index.ts';
import { dirnameOf, joinPath } from '../../../engine/scenario/paths.ts';
import { internalError, type AttackRequest, type AttackVerdict, type FromWorker } from './protocol.ts';
import { withOverrides } from './run-session.ts';

type Post = (message: FromWorker) => void;

/** Local scenarios live under local/, so the counterexample's config paths must climb back to the originals. */
export function rebaseForLocal(scenarioFile: string): (path: string) => string {
  return (path) => `../${joinPath(dirnameOf(scenarioFile), path)}`;
}

export async function attackSession(req: AttackRequest, bundled: ReadonlyMap<string, string>, post: Post): Promise<void> {
  const { runId } = req;
  const files = withOverrides(bundled, req.files);
  const text = files.get(req.scenarioFile);
  if (text === undefined) {
    post({ type: 'error', runId, diagnostics: [internalError(`no scenario '${req.scenarioFile}' in this build of the lab`, req.scenarioFile)] });
    return;
  }
  try {
    const read = (path: string): string => {
      const got = files.get(path.replace(/^\.\//, ''));
      if (got === undefined) throw new Error(`'${path}' is not bundled with the lab`);
      return got;
    };
    const loaded = loadScenarioText(text, req.scenarioFile, read);
    if (!loaded.scenario) {
      post({ type: 'error', runId, diagnostics: loaded.diagnostics });
      return;
    }
    const outcome = await attackScenario(loaded.scenario, {
      claim: req.claim,
      budget: req.budget,
      ...(req.variant ? { variant: req.variant } : {}),
      onRun: (tried) => post({ type: 'attack-progress', runId, tried, budget: req.budget }),
      render: { rebasePath: rebaseForLocal(req.scenarioFile) },
    });
    const result = outcome.result;
    if (!result) {
      post({ type: 'error', runId, diagnostics: outcome.diagnostics });
      return;
    }
    const found = result.counterexample;
    const verdict: AttackVerdict = {
      claim: req.claim,
      found: found !== undefined,
      tried: result.runs,
      shrinks: result.shrinks,
      evaluator: result.evaluator,
      ...(found ? { worst: found.confirmed.count, windowStartMs: found.confirmed.startMs, requests: found.schedule.length } : {}),
      unconfirmed: result.unconfirmed !== undefined,
      ...(outcome.scenarioText !== undefined ? { scenarioText: outcome.scenarioText } : {}),
    };
    post({ type: 'attack-done', runId, verdict });
  } catch (e) {
    post({ type: 'error', runId, diagnostics: [internalError(`the search failed: ${e instanceof Error ? e.message : String(e)}`, req.scenarioFile)] });
  }
}
