/**
 * Own-property assignment that stays a data property for every key. `obj[key] = v` with the key
 * `__proto__` swaps the object's prototype instead of adding a key, so any object built from keys a
 * user controls (YAML mappings, file paths, decoded trace shapes) goes through this.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
