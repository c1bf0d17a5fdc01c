/** What the harness needs to start a program under a runtime (see ./index.ts). */
export interface RuntimeLauncher {
  name: 'node' | 'bun' | 'deno';
  /** e.g. '24.21.0', '1.4.5', '2.9.6' (as the binary reports it). */
  version: string;
  /** Absolute path of the runtime's executable. */
  executable: string;
  /** argv (after the executable) that runs the TypeScript program `file` with extra args. */
  argsFor(file: string, args?: string[]): string[];
  /** Extra environment for the child (on top of the caller's). */
  env?: Record<string, string>;
  /** The subject host program to run (default: HOST_FILE, the host of the running code). */
  host?: string;
  /** The program of `ctx.exitProbe`, when not EXIT_PROBE_FILE (Node: the JavaScript twin, as `host`). */
  exitProbe?: string;
  /** The module the host loads for a subject module (a built-in's JavaScript twin under Node). */
  moduleFor?(module: string): string;
}

export interface ResolveOptions {
  /** Root of the cache (default: see defaultCacheDir); runtimes go into its `runtimes/` folder. */
  cacheDir?: string;
  /** Progress lines while a runtime is installed (one line each, for stderr). */
  onInstall?: (msg: string) => void;
  /** Node: start programs with tsx's loader (a TypeScript subject; default true). */
  typescript?: boolean;
}
