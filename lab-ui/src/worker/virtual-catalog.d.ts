// The catalog scripts/lab-catalog.ts builds from scenarios/ when the lab is built.
declare module 'virtual:gatelab-catalog' {
  export const SCENARIO_CATALOG: import('./protocol.ts').ScenarioInfo[];
}
