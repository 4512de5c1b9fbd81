/**
 * Stable error and warning codes, and the diagnostic shape every loader, adapter and command speaks.
 * Codes never change meaning once published: scripts and tests match on them.
 */
export const ERROR_CODES = {
  GL_E_YAML_SYNTAX: 'The file is not valid YAML.',
  GL_E_YAML_TOO_LARGE: 'A YAML file is larger than gatelab reads (5 MiB).',
  GL_E_YAML_DEPTH: 'YAML nesting, counted through aliases, is deeper than gatelab reads.',
  GL_E_YAML_ALIAS: 'Aliases would expand the document beyond what gatelab reads.',
  GL_E_YAML_KEY: 'A mapping key that could alter JavaScript objects (__proto__, constructor, prototype).',
  GL_E_YAML_NUMBER: 'A number that is not finite or too large to hold exactly.',
  GL_E_REGEX: 'A regular expression that the linear-time engine (RE2) cannot run.',
  GL_E_SCHEMA: 'A value does not fit the scenario schema.',
  GL_E_UNKNOWN_FIELD: 'A field that the format does not define.',
  GL_E_TYPE: 'A value has the wrong type.',
  GL_E_DURATION: 'A duration is not written in Go style (59s, 1m1s, 250ms).',
  GL_E_INSTANT: 'An instant is neither an offset from start nor an ISO-8601 UTC time.',
  GL_E_RATE: 'A rate is not written as N/unit (10/s, 100/m).',
  GL_E_FILE: 'A file could not be read.',
  GL_E_CONFIG_FORMAT: 'The gateway config dialect could not be recognised.',
  GL_E_CONFIG_VERSION: 'The config lacks or has an unsupported format version.',
  GL_E_CONFIG_UNKNOWN_PLUGIN: 'A plugin name that the gateway does not know.',
  GL_E_CONFIG_INVALID: 'A config value the gateway would reject.',
  GL_E_CONFIG_REFERENCE: 'A reference to a service, route or consumer that does not exist.',
  GL_E_VARIANT: 'A variant patch could not be applied.',
  GL_E_EXPECT: 'An expectation is malformed.',
  GL_E_USAGE: 'The command line is not understood.',
  GL_W_DEPRECATED: 'A setting the gateway still accepts but has deprecated.',
  GL_W_LESSON_DIFFERS: 'The lesson simplifies here; gatelab does what the real gateway does.',
  GL_W_UNKNOWN_FIELD: 'A field that the gateway ignores.',
  GL_W_NO_EFFECT: 'A setting that has no effect in this configuration.',
  GL_W_SCENARIO_MODELINE: 'A scenario file without the schema modeline: editors do not validate it.',
  GL_W_ROUTE_NOT_SERVED: 'The gateway would log an error for this route and not serve it, keeping the others (Traefik).',
  GL_W_NOT_EXPRESSIBLE: 'A part of the config that the translation target cannot express; it was dropped.',
  GL_W_GATELAB_ONLY: 'A mix of settings no real gateway has; gatelab runs it its own way, which the message says.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export type Severity = 'error' | 'warning';

/** A place in a source file; line and column are 1-based as editors show them. */
export interface SourceLoc {
  file: string;
  line: number;
  col: number;
}

export interface Diagnostic {
  severity: Severity;
  code: ErrorCode;
  message: string;
  /** What to do about it, in one sentence. */
  hint?: string;
  loc?: SourceLoc;
}

/** Thrown when loading cannot go on; carries every diagnostic gathered so far, so nothing is lost. */
export class GatelabError extends Error {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'GatelabError';
    this.diagnostics = diagnostics;
  }
}

export function isGatelabError(e: unknown): e is GatelabError {
  return e instanceof GatelabError;
}

/** `file:line:col: error CODE: message (hint)` — the one text form used by every command. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.col}: ` : '';
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${where}${d.severity} ${d.code}: ${d.message}${hint}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Diagnostics in reading order (file, line, column); discovery order breaks ties. */
export function sortByPlace(list: readonly Diagnostic[]): Diagnostic[] {
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const la = a.d.loc;
      const lb = b.d.loc;
      if (!la || !lb) return la ? 1 : lb ? -1 : a.i - b.i;
      return (la.file < lb.file ? -1 : la.file > lb.file ? 1 : 0) || la.line - lb.line || la.col - lb.col || a.i - b.i;
    })
    .map(({ d }) => d);
}
