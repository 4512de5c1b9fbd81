/**
 * Gateway config sources: inline config keeps pointing at the scenario file's own lines; files and
 * overlays are read through the injected reader (so this runs in a browser) relative to the scenario.
 */
import { parseYaml, subMap, type JsonPath } from '../config/yaml-source.ts';
import type { ConfigSource, GatewaySpec } from './types.ts';
import type { RawGateway } from './raw.ts';
import { report, type ConvertContext } from './convert-context.ts';
import { dirnameOf, joinPath } from './paths.ts';

export function gatewaySpec(ctx: ConvertContext, raw: RawGateway, path: JsonPath): GatewaySpec {
  const sources: ConfigSource[] = [];
  if (raw.config !== undefined) {
    const configPath = [...path, 'config'];
    const docs = Array.isArray(raw.config)
      ? raw.config.map((value, i) => ({ value: value as unknown, map: subMap(ctx.map, [...configPath, i]) }))
      : [{ value: raw.config as unknown, map: subMap(ctx.map, configPath) }];
    sources.push({ docs, file: ctx.file });
  }
  (raw.files ?? []).forEach((f, i) => {
    const src = readSource(ctx, f, [...path, 'files', i], 'config file');
    if (src) sources.push(src);
  });
  const overlays: ConfigSource[] = [];
  (raw.overlays ?? []).forEach((f, i) => {
    const src = readSource(ctx, f, [...path, 'overlays', i], 'overlay');
    if (src) overlays.push(src);
  });
  return { ...(raw.format ? { format: raw.format } : {}), sources, overlays };
}

export function readSource(ctx: ConvertContext, rel: string, path: JsonPath, what: string): ConfigSource | undefined {
  const resolved = joinPath(dirnameOf(ctx.file), rel);
  const got = ctx.read(resolved);
  if ('error' in got) {
    report(
      ctx,
      'GL_E_FILE',
      path,
      `cannot read ${what} '${rel}' (${resolved}): ${got.error}`,
      'check the path: it is relative to the scenario file',
    );
    return undefined;
  }
  const parsed = parseYaml(got.text, resolved);
  // Errors inside the file point at the file's own lines; the scenario line that names it is context.
  ctx.diagnostics.push(...parsed.diagnostics);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
  return { docs: parsed.docs.map((d) => ({ value: d.value, map: d.map })), file: resolved };
}
