/**
 * The browser-safe engine entry: everything the lab's Web Worker and other consumers need, nothing
 * that touches Node. The proxy host has its own Node-only entry in engine/runtimes/proxy/.
 */
export { parseYaml, SourceMap } from './config/yaml-source.ts';
export { loadGateway } from './config/load-gateway.ts';
export type { GatewayIR } from './config/ir.ts';
export { loadScenarioText, applyVariant } from './scenario/load.ts';
export { evaluateExpectations } from './scenario/expect.ts';
export type { Scenario } from './scenario/types.ts';
export { runVariant, type VariantRun } from './runtimes/sim/run-scenario.ts';
export { simulate } from './runtimes/sim/simulate.ts';
export { explainRequest, type ExplainInput, type ExplainResult } from './runtimes/sim/explain.ts';
export { TRACE_EVENT_TYPES, type TraceEvent, type TraceLevel } from './trace/events.ts';
export { traceHash, jsonlHash, combineHashes } from './trace/hash.ts';
export { summarizeClients, percentile } from './trace/summary.ts';
export { formatDiagnostic, type Diagnostic } from './core/errors.ts';
export { PLUGINS } from './plugins/index.ts';
export { translate, TRANSLATE_TARGETS, type Translation, type TranslateTarget } from './config/translate/index.ts';
export { attackScenario, parseClaim, type AttackOptions, type AttackOutcome, type SearchResult } from './adversary/index.ts';
