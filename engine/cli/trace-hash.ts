/**
 * `gatelab trace hash FILE...`: the run's trace hash of a JSONL trace file (what `gatelab run --trace`
 * writes), equal to the variant's `traceHash` from the run. Since issue #9 that hash is the structural
 * compact form (engine/trace/hash.ts), which `sha256sum` cannot compute: this command is how a file is
 * checked against a run. (`sha256sum FILE` still prints the run's `traceFileSha256`.)
 *
 * It streams: the 300k war story's trace at `decisions` is ≈ 580 MB, more than one V8 string holds.
 * The file is read in chunks, split into lines, and each line parsed and fed to the hasher; the
 * digest depends on the events' JSON values only, so it equals the run's.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { TraceEvent } from '../trace/events.ts';
import { TraceHasher } from '../trace/hash.ts';
import { command, options, UsageError, type CommandArgs } from './args.ts';
import { displayPath, EXIT } from './io.ts';

export const TRACE_HELP = `Usage: gatelab trace hash FILE...

Prints the trace hash of each JSONL trace file (as written by gatelab run --trace), one line per file:
"HASH  FILE". It equals the variant's traceHash that gatelab run printed for the same run. The file
is read as a stream, so a trace of any size can be checked.

(sha256sum FILE prints the file's traceFileSha256 instead: the SHA-256 of its bytes.)

Options:
  -h, --help   show this help

Exit status: 0 every file hashed, 1 a file is not a JSONL trace, 2 a file could not be read.`;

const HASH = {
  name: 'trace hash',
  help: TRACE_HELP,
  positionals: { atLeastOne: 'trace file' },
  options: options({}),
} as const;

/** Bytes read at a time: large enough that reads cost nothing next to JSON.parse, small in memory. */
const CHUNK_BYTES = 1 << 20;

/** A line of the file that is not a trace event: where, and why. */
export class BadTraceLine extends Error {
  constructor(readonly file: string, readonly line: number, readonly column: number | undefined, readonly why: string) {
    super(`${file}:${line}${column !== undefined ? `:${column}` : ''}: ${why}`);
  }
}

const hashFiles = command(HASH, async ({ positionals }: CommandArgs<typeof HASH.options>): Promise<number> => {
  for (const path of positionals) {
    const shown = displayPath(path);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      console.error(`gatelab trace hash: cannot read ${shown}: ${(e as Error).message}`);
      return EXIT.usage;
    }
    try {
      console.log(`${hashJsonlFile(fd, shown)}  ${shown}`);
    } catch (e) {
      if (!(e instanceof BadTraceLine)) throw e;
      console.error(`gatelab trace hash: ${e.message}`);
      console.error('Each line must be one trace event as JSON, as gatelab run --trace writes it: '
        + 'fix or delete that line, or write the trace again with gatelab run --trace.');
      return EXIT.failed;
    } finally {
      closeSync(fd);
    }
  }
  return EXIT.ok;
});

/** `gatelab trace SUBCOMMAND`: only `hash` for now. */
export async function traceCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help') {
    console.log(TRACE_HELP);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  if (sub !== 'hash') throw new UsageError(`unknown subcommand '${sub}': the one there is is 'trace hash FILE...'`);
  return hashFiles(rest);
}

/** The trace hash of an open JSONL file, read `chunkBytes` at a time. `name` is for error messages. */
export function hashJsonlFile(fd: number, name: string, chunkBytes = CHUNK_BYTES): string {
  const hasher = new TraceHasher();
  const buffer = Buffer.allocUnsafe(chunkBytes);
  // The decoder keeps a character split between two chunks for the next one.
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  const addLine = (text: string): void => {
    line++;
    // A blank line (the file's last newline, or CRLF's leftovers) carries no event.
    if (text.trim() === '') return;
    hasher.add(parseEvent(text, name, line));
  };
  for (;;) {
    const n = readSync(fd, buffer, 0, chunkBytes, null);
    if (n === 0) break;
    const text = pending + decoder.write(buffer.subarray(0, n));
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      addLine(text.slice(start, end));
      start = end + 1;
    }
    pending = text.slice(start);
  }
  pending += decoder.end();
  if (pending !== '') addLine(pending);
  return hasher.digest();
}

function parseEvent(text: string, file: string, line: number): TraceEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    // V8 names the offset for some errors ("... in JSON at position 4"): a 1-based column.
    const at = /at position (\d+)/.exec(message);
    throw new BadTraceLine(file, line, at ? Number(at[1]) + 1 : undefined, `not JSON (${message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { type?: unknown }).type !== 'string') {
    throw new BadTraceLine(file, line, undefined, 'not a trace event (a JSON object with a string "type")');
  }
  return value as TraceEvent;
}
