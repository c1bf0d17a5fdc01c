/**
 * The container lane as the parent prepared it (`--containers`, `--toxiproxy container`) and as the
 * suite process reports it back: which engine, which images, which server versions ran. The images
 * are built (or found) by the parent before the run; the suite process's session starts the
 * containers once, shares them between cases and stops them when it closes.
 */

/** The real servers of the `servers` area (docker/<kind>/). */
export type ServerKind = 'nginx' | 'httpd' | 'haproxy';
export const SERVER_KINDS: readonly ServerKind[] = ['nginx', 'httpd', 'haproxy'];

export interface ContainerLane {
  /** `docker <engine version> via testcontainers <version>`. */
  backend: string;
  /** `--containers`: the image tag of each server; null without the lane. */
  servers: Record<ServerKind, string> | null;
  /** `--toxiproxy container`: the image asked for, the one that runs, and whether it stands in. */
  toxiproxy: { requested: string; image: string; standIn: boolean } | null;
}

/** A container the session started (suite process → parent, then the report). */
export interface ContainerStarted {
  /** `nginx`, `httpd`, `haproxy` or `toxiproxy`. */
  kind: string;
  image: string;
  /** As the server reports it: `nginx/1.22.1`, `Apache/2.4.62`, `toxiproxy/2.12.0`, … */
  version: string;
}

/** Why a `servers` case is skipped in a run without the lane. */
export const NO_LANE_REASON = 'run with --containers (needs a Docker engine)';
