/**
 * Proving a card: a behaviour card's link must open a scenario and variants that exist at an instant
 * inside the run, and each of its `shows` must hold on that variant's run; a fact card's page and
 * heading must exist. Browser-safe: scenarios and docs come through injected functions, so the lab's
 * Web Worker can run the same check it shows.
 */
import type { Diagnostic, SourceLoc } from '../core/errors.ts';
import type { JsonPath } from '../config/yaml-source.ts';
import { expectation as convertExpectation } from '../scenario/convert-expect.ts';
import type { ConvertContext } from '../scenario/convert-context.ts';
import { nearest } from '../scenario/edit-distance.ts';
import { evaluateExpectations, type ExpectationResult } from '../scenario/expect.ts';
import { applyVariant } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import { formatDuration } from '../core/duration.ts';
import { runVariant, type VariantRun } from '../runtimes/sim/run-scenario.ts';
import { docLinkProblem } from './flashcards-docs.ts';
import { isScenarioLink, type Flashcard, type FlashcardDeck, type FlashcardShow, type ScenarioLink } from './flashcards-types.ts';

/** A loaded scenario by id (the file `scenarios/<topic>/<id>.yaml`), or undefined when there is none. */
export type ResolveScenario = (id: string) => Scenario | undefined | Promise<Scenario | undefined>;

export interface CheckOptions {
  /**
   * Runs by scenario and variant, shared between checks so that each variant runs once however many
   * cards open it. Pass the same map to every call of one session.
   */
  runs?: Map<string, Promise<VariantRun>>;
  /** A repository file's text for a fact card's link (undefined: no such file). Without it doc links are not checked. */
  readDoc?: (path: string) => string | undefined;
}

export interface FlashcardCheck {
  id: string;
  pass: boolean;
  /** One line per problem, `file:line:col: card <id>: …`, ready to print. */
  failures: string[];
  /** The `shows` results, in order; empty for fact cards and when the scenario could not be run. */
  results: ExpectationResult[];
}

export async function checkFlashcardDeck(deck: FlashcardDeck, resolveScenario: ResolveScenario, opts: CheckOptions = {}): Promise<FlashcardCheck[]> {
  const runs = opts.runs ?? new Map<string, Promise<VariantRun>>();
  const out: FlashcardCheck[] = [];
  // One card at a time: runs are cached, and a shared machine gains nothing from parallel simulations.
  for (const card of deck.cards) out.push(await checkFlashcard(card, resolveScenario, { ...opts, runs }));
  return out;
}

export async function checkFlashcard(card: Flashcard, resolveScenario: ResolveScenario, opts: CheckOptions = {}): Promise<FlashcardCheck> {
  const failures: string[] = [];
  const fail: Fail = (at, text) => {
    const loc = Array.isArray(at) ? card.map.locate(at) : (at as SourceLoc);
    failures.push(`${loc.file}:${loc.line}:${loc.col}: card ${card.id}: ${text}`);
  };
  if (!isScenarioLink(card.link)) {
    const problem = opts.readDoc ? docLinkProblem(card.link.doc, opts.readDoc) : undefined;
    if (problem) fail([...card.path, 'link', 'doc'], problem);
    return { id: card.id, pass: failures.length === 0, failures, results: [] };
  }
  const link = card.link;
  const scenario = await resolveScenario(link.scenario);
  if (!scenario) {
    fail([...card.path, 'link', 'scenario'], `no scenario '${link.scenario}' (scenarios/<topic>/${link.scenario}.yaml)`);
    return { id: card.id, pass: false, failures, results: [] };
  }
  const runs = opts.runs ?? new Map<string, Promise<VariantRun>>();
  const variants = openVariants(card, link, scenario, fail);
  await checkRequest(card, link, scenario, variants, runs, fail);
  const results: ExpectationResult[] = [];
  for (const show of card.shows ?? []) {
    const variant = variants.get(show.variant);
    if (!variant) continue;
    const result = await evaluateShow(card, show, scenario, variant, runs, fail);
    if (result) results.push(result);
  }
  return { id: card.id, pass: failures.length === 0, failures, results };
}

/** Reports a problem at a place in the deck: a path into it, or a location a converter already found. */
type Fail = (at: JsonPath | SourceLoc, text: string) => void;

/** The linked variants that exist, patched, each checked to contain the instant `t`. */
function openVariants(card: Flashcard, link: ScenarioLink, scenario: Scenario, fail: Fail): Map<string, Scenario> {
  const names = scenario.variants.map((v) => v.name);
  const patched = new Map<string, Scenario>();
  link.variants.forEach((name, i) => {
    if (!names.includes(name)) {
      const guess = nearest(name, names);
      fail([...card.path, 'link', 'variants', i], `scenario ${scenario.id} has no variant '${name}' (${guess ? `did you mean '${guess}'?` : `it has ${names.join(', ')}`})`);
      return;
    }
    const loaded: { scenario?: Scenario; diagnostics: Diagnostic[] } = name === 'base' ? { scenario, diagnostics: [] } : applyVariant(scenario, name);
    if (!loaded.scenario) {
      fail([...card.path, 'link', 'variants', i], `variant '${name}' of ${scenario.id} does not load: ${firstError(loaded.diagnostics)}`);
      return;
    }
    // The lab lands on t in every opened panel, so t must lie inside each of their runs.
    if (link.tMs > loaded.scenario.durationMs) {
      fail([...card.path, 'link', 't'], `t ${formatDuration(link.tMs)} is after the end of variant ${name}'s run (duration ${formatDuration(loaded.scenario.durationMs)})`);
    }
    patched.set(name, loaded.scenario);
  });
  return patched;
}

function firstError(diagnostics: Diagnostic[]): string {
  return diagnostics.find((d) => d.severity === 'error')?.message ?? 'unknown reason';
}

function runOf(scenario: Scenario, variant: string, runs: Map<string, Promise<VariantRun>>): Promise<VariantRun> {
  const key = `${scenario.file}\u0000${variant}`;
  let run = runs.get(key);
  if (!run) {
    // `full` keeps bodies, which body expectations read; it is the level `gatelab check` uses.
    run = runVariant(scenario, variant, { level: 'full' });
    runs.set(key, run);
  }
  return run;
}

/** The selected request must exist in its variant's run, or the lab would open on nothing. */
async function checkRequest(card: Flashcard, link: ScenarioLink, scenario: Scenario, variants: Map<string, Scenario>, runs: Map<string, Promise<VariantRun>>, fail: Fail): Promise<void> {
  if (link.req === undefined) return;
  const slash = link.req.indexOf('/');
  const variant = link.req.slice(0, slash);
  const request = link.req.slice(slash + 1);
  if (!variants.has(variant)) return;
  const run = await runOf(scenario, variant, runs);
  if (run.diagnostics.some((d) => d.severity === 'error')) return;
  if (!run.events.some((e) => e.type === 'request.end' && e.req === request)) {
    fail([...card.path, 'link', 'req'], `no request ${request} in variant ${variant}'s run`);
  }
}

async function evaluateShow(
  card: Flashcard,
  show: FlashcardShow,
  base: Scenario,
  patched: Scenario,
  runs: Map<string, Promise<VariantRun>>,
  fail: Fail,
): Promise<ExpectationResult | undefined> {
  // Instants and client names are checked against the variant the entry is evaluated on, and any
  // complaint points at the deck's line, not the scenario's.
  const ctx: ConvertContext = {
    file: card.file,
    map: card.map,
    read: () => ({ error: 'a flashcard reads no files' }),
    diagnostics: [],
    startMs: patched.start,
    durationMs: patched.durationMs,
  };
  const refs = { variant: show.variant, clients: patched.clients.map((c) => c.id), variants: base.variants.map((v) => v.name), replicas: patched.replicas };
  const expectation = convertExpectation(ctx, show.expectation, show.path, refs);
  const errors = ctx.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) fail(d.loc ?? show.path, `${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
  if (errors.length > 0) return undefined;
  const run = await runOf(base, show.variant, runs);
  const runErrors = run.diagnostics.filter((d) => d.severity === 'error');
  if (runErrors.length > 0) {
    fail(show.path, `variant ${show.variant} of ${base.id} does not run: ${firstError(runErrors)}`);
    return undefined;
  }
  const [result] = evaluateExpectations([expectation], run.events, show.variant, { ...patched, map: card.map });
  if (result && !result.pass) {
    fail(show.path, `expected ${result.expected}, got ${result.actual} (${result.name}, variant ${show.variant})`);
  }
  return result;
}
