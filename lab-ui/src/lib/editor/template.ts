/**
 * The "New scenario" starting point: small, valid as written, and commented so an instructor learns
 * the format by reading it. Changing a number and pressing Run is the first lesson.
 */

/** Where a new local scenario is filed; `n` keeps several apart. */
export function newScenarioFile(taken: readonly string[]): string {
  for (let n = 1; ; n++) {
    const file = `local/my-scenario${n === 1 ? '' : `-${n}`}.yaml`;
    if (!taken.includes(file)) return file;
  }
}

export function scenarioTemplate(id = 'my-scenario'): string {
  return `# yaml-language-server: $schema=../../engine/scenario/scenario.schema.json
# The line above lets editors with the YAML language server complete fields when this file is saved
# under scenarios/<topic>/ in the gatelab repository. Ctrl+Enter (Cmd+Enter) runs it here.

# Who the scenario is: a kebab-case id, a one-line title, a topic and what to look for.
id: ${id}
title: Ten requests in one second against a limit of five per second
topic: rate-limiting
summary: >-
  A single client sends ten requests within one second. Kong's rate-limiting plugin allows five per
  second per client IP, so half of them are refused with 429. Try the variant, or change the limit.
tags: [kong, rate-limiting, template]

# Time is simulated: start fixes the clock (calendar windows align to it), duration is how long
# clients send. Same file and same seed, same result, every time.
start: 2026-01-01T09:00:00Z
seed: 1
duration: 3s

# The gateway config, written exactly as the vendor writes it (here Kong's declarative format).
# It can also live in its own file: gateway: { files: [configs/kong.yaml] }, relative to this file.
gateway:
  config:
    _format_version: "3.0"
    services:
      - name: orders-api
        url: http://orders.internal:8080
        routes:
          - name: orders
            paths: [/api/orders]
        plugins:
          - name: rate-limiting
            config:
              second: 5
              limit_by: ip
              policy: local

# Who sends what, and when. An "at" is an offset from start (a Go duration: 1s, 250ms, 1m30s).
clients:
  - id: reader
    ip: 192.0.2.10
    request:
      method: GET
      url: http://api.example.com/api/orders
    traffic:
      - burst: { at: 1s, count: 10, spacing: 50ms }

# How the upstream answers: a latency model per backend, named like the Kong service.
backends:
  - name: orders-api
    latency: 20ms

# Captions the lab shows while the run replays.
narration:
  - at: 1s
    text: Ten requests in half a second; the limiter counts them in one-second windows.

# What-if versions of this file: a patch replaces the fields it names.
variants:
  roomier:
    title: The same traffic under a limit of ten per second
    patch:
      gateway:
        config:
          _format_version: "3.0"
          services:
            - name: orders-api
              url: http://orders.internal:8080
              routes:
                - name: orders
                  paths: [/api/orders]
              plugins:
                - name: rate-limiting
                  config: { second: 10, limit_by: ip, policy: local }
    expect:
      - name: nothing is refused
        count: { client: reader, status: 429 }
        equals: 0

# Facts about the trace that must hold: gatelab check (and the lab) reports each as passed or failed.
expect:
  - name: five admitted
    variants: [base]
    count: { client: reader, status: 200 }
    equals: 5
  - name: five refused with 429
    variants: [base]
    count: { client: reader, status: 429 }
    equals: 5
`;
}
