/** Types for serve-bundle.mjs (plain JavaScript: it runs before tsx is registered). */
export declare const SERVE_BUNDLE_DIR: string;
export declare function serveBundle(strict?: boolean): Promise<string | undefined>;
