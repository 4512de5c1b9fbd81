/**
 * What Kong's request-transformer does to one request (semantics §6): replace.uri → http_method →
 * headers → (body: not modelled) → querystring, and within each family remove → rename → replace →
 * add → append. replace changes only what is there (Host excepted), add only what is not (Host never),
 * append always adds a value, rename moves a value that is there. Templates see the request as it was
 * before this plugin touched it. Returns one line per change, for the decision's reason.
 *
 * An empty value never reaches the backend: Kong hands the headers to `ngx.req.set_header`, and
 * lua-nginx-module's `ngx_http_set_header_helper` removes the header it finds when the value is empty
 * and adds nothing (a header it adds without override, as a later value of a table, gets hash 0,
 * and ngx_http_proxy_module leaves hash-0 headers out of the upstream request). So a replace that
 * renders "" removes the header, an add that renders "" (the lesson's `$(uuid)`) adds none, and an
 * append that renders "" adds no value.
 */
import type { HeaderMap } from '../../pipeline/headers.ts';
import { parseQuery, splitPathQuery } from '../kit/query.ts';
import type { NameValue, RequestTransformerConfig } from './config.ts';
import { renderTemplate, type TemplateEnv } from './template.ts';

export function transformHeaders(c: RequestTransformerConfig, h: HeaderMap, env: TemplateEnv): string[] {
  const log: string[] = [];
  for (const { name } of c.remove.headers) {
    if (h.delete(name)) log.push(`removed header ${name}`);
    else log.push(`remove ${name}: not present`);
  }
  for (const { name: oldName, value: newTemplate } of c.rename.headers) {
    const newName = renderTemplate(newTemplate, env);
    if (!h.has(oldName)) {
      log.push(`rename ${oldName} → ${newName}: not present`);
      continue;
    }
    const values = h.getAll(oldName);
    h.delete(oldName);
    h.delete(newName);
    for (const v of values) h.append(newName, v);
    log.push(`renamed header ${oldName} → ${newName}`);
  }
  for (const { name, value } of c.replace.headers) {
    if (!h.has(name) && name.toLowerCase() !== 'host') {
      log.push(`replace ${name}: not present, nothing replaced`);
      continue;
    }
    const v = renderTemplate(value, env);
    if (v === '') {
      h.delete(name);
      log.push(`replace ${name}: the value rendered empty, so nginx removed the header`);
      continue;
    }
    h.set(name, v);
    log.push(`replaced header ${name}`);
  }
  for (const { name, value } of c.add.headers) {
    if (name.toLowerCase() === 'host') continue;
    if (h.has(name)) {
      log.push(`add ${name}: already present, kept the request's value`);
      continue;
    }
    const v = renderTemplate(value, env);
    if (v === '') {
      log.push(`add ${name}: the value rendered empty, so nginx added no header`);
      continue;
    }
    h.set(name, v);
    log.push(`added header ${name}: ${v}`);
  }
  for (const { name, value } of c.append.headers) {
    if (name.toLowerCase() === 'host') continue;
    const v = renderTemplate(value, env);
    // Kong sets the header to a table {existing…, v}: the extra empty value is either the first
    // (set with override: nothing added) or a later one, added with hash 0, which the proxy module
    // skips when it writes the upstream request. Either way the backend sees no empty value.
    if (v === '') {
      log.push(`append ${name}: the value rendered empty, so nginx sent no extra value`);
      continue;
    }
    h.append(name, v);
    log.push(`appended header ${name}`);
  }
  return log;
}

/** The query as an ordered list; values already encoded as they will be sent. */
type Pairs = Array<{ name: string; raw: string }>;

const encodePair = (name: string, value: string): string => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;

/** True when the config has no querystring action: the query is then only re-joined, never edited. */
export function editsQuery(c: RequestTransformerConfig): boolean {
  return c.remove.querystring.length + c.rename.querystring.length + c.replace.querystring.length + c.add.querystring.length + c.append.querystring.length > 0;
}

/** What transformQuery gives without querystring actions: the non-empty pairs as written, re-joined. */
export function rejoinedQuery(pathWithQuery: string): string {
  const at = pathWithQuery.indexOf('?');
  if (at < 0) return pathWithQuery;
  const kept = pathWithQuery.slice(at + 1).split('&').filter((raw) => raw !== '');
  return kept.length > 0 ? `${pathWithQuery.slice(0, at)}?${kept.join('&')}` : pathWithQuery.slice(0, at);
}

export function transformQuery(c: RequestTransformerConfig, pathWithQuery: string, env: TemplateEnv): { path: string; log: string[] } {
  const { path, query } = splitPathQuery(pathWithQuery);
  let pairs: Pairs = parseQuery(query).map((a) => ({ name: a.name, raw: a.raw }));
  const log: string[] = [];
  const has = (n: string) => pairs.some((p) => p.name === n);
  const edit = (list: NameValue[], f: (nv: NameValue) => void) => list.forEach(f);
  edit(c.remove.querystring, ({ name }) => {
    if (has(name)) log.push(`removed query ${name}`);
    pairs = pairs.filter((p) => p.name !== name);
  });
  edit(c.rename.querystring, ({ name, value }) => {
    const to = renderTemplate(value, env);
    if (!has(name)) {
      // Kong's loop assigns querystring[new] = querystring[old] without a presence check (access.lua),
      // so renaming an absent argument deletes one already under the new name. Headers check first.
      if (has(to) && to !== name) {
        pairs = pairs.filter((p) => p.name !== to);
        log.push(`rename query ${name} → ${to}: ${name} absent, so Kong cleared the existing ${to}`);
      }
      return;
    }
    const moved = pairs.filter((p) => p.name === name).map((p) => ({ name: to, raw: `${encodeURIComponent(to)}${p.raw.includes('=') ? p.raw.slice(p.raw.indexOf('=')) : ''}` }));
    pairs = [...pairs.filter((p) => p.name !== name && p.name !== to), ...moved];
    log.push(`renamed query ${name} → ${to}`);
  });
  edit(c.replace.querystring, ({ name, value }) => {
    if (!has(name)) return;
    const raw = encodePair(name, renderTemplate(value, env));
    pairs = [...pairs.filter((p) => p.name !== name), { name, raw }];
    log.push(`replaced query ${name}`);
  });
  edit(c.add.querystring, ({ name, value }) => {
    if (has(name)) return;
    pairs.push({ name, raw: encodePair(name, renderTemplate(value, env)) });
    log.push(`added query ${name}`);
  });
  edit(c.append.querystring, ({ name, value }) => {
    pairs.push({ name, raw: encodePair(name, renderTemplate(value, env)) });
    log.push(`appended query ${name}`);
  });
  return { path: pairs.length > 0 ? `${path}?${pairs.map((p) => p.raw).join('&')}` : path, log };
}
