/**
 * File access for exercises. Loading reads through the caller's reader and keeps every text it read,
 * so grading later needs no reader at all: the exercise carries its files (plain data for a worker).
 */
import type { ReadFile } from '../scenario/load.ts';

/** A reader that records every successful read into `files`. */
export function recordingReader(readFile: ReadFile, files: Record<string, string>): ReadFile {
  return (path) => {
    const text = files[path] ?? readFile(path);
    files[path] = text;
    return text;
  };
}

/** A reader over captured files, with chosen paths answered by other text (a student's config). */
export function capturedReader(files: Readonly<Record<string, string>>, replace: Readonly<Record<string, string>> = {}): ReadFile {
  return (path) => {
    const text = replace[path] ?? files[path];
    if (text === undefined) throw new Error(`the exercise did not capture ${path} when it loaded`);
    return text;
  };
}
