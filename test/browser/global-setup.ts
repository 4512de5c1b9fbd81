/**
 * Builds the lab once and serves lab-ui/dist on 127.0.0.1 for the browser tests, the way any
 * static host would. Without Debian's chromium the tests skip (with the reason), so nothing is built.
 */
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import type { PreviewServer } from 'vite';
import { serveLab } from './serve-lab.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    labUrl: string;
    chromium: string;
  }
}

let server: PreviewServer | undefined;

export function findChromium(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export async function setup(project: TestProject): Promise<void> {
  const chromium = findChromium();
  project.provide('chromium', chromium);
  project.provide('labUrl', '');
  if (!chromium) return;
  const lab = await serveLab();
  server = lab.server;
  project.provide('labUrl', lab.url);
}

export async function teardown(): Promise<void> {
  await server?.close();
}
