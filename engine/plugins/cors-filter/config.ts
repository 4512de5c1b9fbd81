/**
 * Config of the cors-filter plugin: Gateway API's experimental HTTPCORSFilter. Origins are `*` or
 * `scheme://host[:port]`, where the host may start with a `*` label standing for one or more labels
 * (`https://*.bar.com` admits `https://xpto.www.bar.com`). `maxAge` defaults to 5 seconds (the CRD's
 * default).
 */
import type { ConfigReporter } from '../../pipeline/types.ts';

export interface CorsFilterConfig {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  maxAge: number;
}

function strings(obj: Record<string, unknown>, field: string, report: ConfigReporter): string[] {
  const v = obj[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    report.error([field], 'GL_E_TYPE', `${field} must be a list of strings`);
    return [];
  }
  return v as string[];
}

export function parseCorsFilterConfig(raw: unknown, report: ConfigReporter): CorsFilterConfig {
  const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const maxAge = obj['maxAge'];
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 1)) {
    report.error(['maxAge'], 'GL_E_CONFIG_INVALID', `maxAge must be a positive integer (seconds), not ${JSON.stringify(maxAge)}`);
  }
  const creds = obj['allowCredentials'];
  if (creds !== undefined && typeof creds !== 'boolean') report.error(['allowCredentials'], 'GL_E_TYPE', 'allowCredentials must be true or false');
  return {
    allowOrigins: strings(obj, 'allowOrigins', report),
    allowMethods: strings(obj, 'allowMethods', report),
    allowHeaders: strings(obj, 'allowHeaders', report),
    exposeHeaders: strings(obj, 'exposeHeaders', report),
    allowCredentials: creds === true,
    maxAge: typeof maxAge === 'number' && maxAge >= 1 ? maxAge : 5,
  };
}

/** Whether an Origin header value is admitted by one allowOrigins entry. */
export function originAllowed(patterns: readonly string[], origin: string): boolean {
  const o = origin.toLowerCase();
  return patterns.some((raw) => {
    const p = raw.toLowerCase();
    if (p === '*') return true;
    const star = p.indexOf('://*.');
    if (star < 0) return p === o;
    const scheme = p.slice(0, star + 3);
    const suffix = p.slice(star + 4);
    return o.startsWith(scheme) && o.length > scheme.length + suffix.length && o.endsWith(suffix);
  });
}
