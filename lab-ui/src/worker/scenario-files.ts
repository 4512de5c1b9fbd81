/**
 * Every YAML file under scenarios/, bundled at build time as text, so the worker can load a scenario
 * and the config files or overlays beside it without a server. Keys are repository-relative paths
 * (scenarios/rate-limiting/boundary-burst.yaml), the same paths the CLI is given.
 */
// Relative patterns: the Vite root is lab-ui/, and scenarios/ sits beside it at the repository root.
const raw = import.meta.glob<string>(['../../../scenarios/**/*.yaml', '../../../scenarios/**/*.yml', '../../../scenarios/**/*.json'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

export const BUNDLED_FILES: ReadonlyMap<string, string> = new Map(
  Object.entries(raw).map(([path, text]) => [path.replace(/^(\.\.\/)+/, ''), text]),
);
