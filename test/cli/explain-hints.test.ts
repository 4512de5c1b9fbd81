/**
 * Two hints an instructor could not follow as written: GL_E_CONFIG_VERSION's (lint checks each file
 * alone, so "an overlay file that adds it" needs saying how to load one) and the $(uuid) warning's,
 * whose parentheses nested inside the hint's own.
 */
import { describe, expect, it } from 'vitest';
import { gatelab } from '../support/cli.ts';

const FRAGMENT = 'scenarios/transforms/configs/06-kong-request-transformer.yaml';
const OVERLAY = 'scenarios/transforms/configs/06-overlay.yaml';

describe('GL_E_CONFIG_VERSION', () => {
  it('under lint, the hint names the command that loads the fragment with its overlay, and that command works', () => {
    const lint = gatelab(['lint', FRAGMENT]);
    expect(lint.status).toBe(1);
    const line = lint.stdout.split('\n').find((l) => l.includes('GL_E_CONFIG_VERSION'));
    expect(line).toBe(
      `${FRAGMENT}:1:1: error GL_E_CONFIG_VERSION: _format_version is missing; Kong refuses a declarative config without it (add _format_version: "3.0" at the top, or load the file with an overlay that adds it: gatelab explain --config FILE --config OVERLAY, or a scenario's gateway.files with gateway.overlays)`,
    );
    // Following the hint: the fragment loads with its overlay.
    const followed = gatelab(['explain', '--config', FRAGMENT, '--config', OVERLAY, '--request', 'GET http://api.example.com/api/v1/catalog/items', '--json']);
    expect(followed.status).toBe(0);
    expect(followed.stderr).not.toContain('GL_E_CONFIG_VERSION');
    expect(JSON.parse(followed.stdout).status).toBe(200);
  });
});

describe('GL_W_LESSON_DIFFERS for $(uuid) in request-transformer', () => {
  it('the hint has no parentheses inside the ones around it; the message is kept', () => {
    const r = gatelab(['lint', 'scenarios/transforms/request-transformer-snippet.yaml']);
    const line = r.stdout.split('\n').find((l) => l.includes('GL_W_LESSON_DIFFERS')) ?? '';
    expect(line).toContain('Kong renders it as an empty string, so nginx sends no X-Request-ID header at all');
    const hint = /\(([^()]*)\)$/.exec(line)?.[1];
    expect(hint).toBe('to give every request an id, use the correlation-id plugin with generator: uuid');
  });
});
