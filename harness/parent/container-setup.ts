/**
 * The container lane's setup, in the parent before the suite process starts: the engine must answer
 * (else one line and exit 2), the images are built or found, and with `--toxiproxy container` the
 * Toxiproxy image is found or pulled, or else our own fault proxy image stands in. What is decided
 * here travels to the suite process in RunConfig.containers; the containers themselves start there.
 */
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { ContainerLane, ContainerStarted, ServerKind } from '../shared/container-lane.ts';
import { SERVER_KINDS } from '../shared/container-lane.ts';
import { SetupError, UsageError } from './errors.ts';
import type { ContainersInfo } from './report/types.ts';

export const DEFAULT_TOXIPROXY_IMAGE = 'ghcr.io/shopify/toxiproxy:2.12.0';

export interface LaneRequest {
  /** Start the real servers (the plan has `servers` cases). */
  servers: boolean;
  /** `--toxiproxy container`: the image asked for. */
  toxiproxyImage: string | null;
  log: (line: string) => void;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').find((l) => l.trim() !== '') ?? text;
}

function testcontainersVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('testcontainers/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function prepareLane(req: LaneRequest): Promise<ContainerLane> {
  const fx = await import('../../fixtures/containers/index.ts');
  const { docker, imageExists } = await import('../../fixtures/containers/docker.ts');
  const { explain } = await import('../../fixtures/containers/diagnose.ts');
  const avail = await fx.dockerAvailable();
  const flag = req.servers ? '--containers' : '--toxiproxy container';
  // One line: what broke (read from all of Docker's output, not its first line) and what fixes it.
  if (!avail.ok)
    throw new SetupError(`${flag} needs a Docker engine: ${explain(avail.reason)}`, 'ERR_NO_DOCKER');
  const backend = `docker ${avail.engine} via testcontainers ${testcontainersVersion()}`;
  const build = async (kind: ServerKind | 'toxiproxy'): Promise<string> => {
    try {
      const img = await fx.ensureImage(kind);
      req.log(
        `containers: ${img.tag} ${img.built ? `built in ${(img.ms / 1000).toFixed(1)} s` : 'up to date'}`,
      );
      return img.tag;
    } catch (err) {
      throw new SetupError(`the ${kind} image did not build: ${explain(err)}`, 'ERR_CONTAINER_IMAGE');
    }
  };

  let servers: ContainerLane['servers'] = null;
  if (req.servers) {
    const tags: Partial<Record<ServerKind, string>> = {};
    for (const kind of SERVER_KINDS) tags[kind] = await build(kind);
    servers = tags as Record<ServerKind, string>;
  }

  let toxiproxy: ContainerLane['toxiproxy'] = null;
  const requested = req.toxiproxyImage;
  if (requested !== null) {
    let found = await imageExists(requested);
    if (!found) {
      try {
        await docker(['pull', requested], { timeoutMs: 120_000 });
        found = true;
      } catch (err) {
        req.log(`containers: ${requested} cannot be had (${firstLine(err).slice(0, 160)})`);
      }
    }
    if (found) toxiproxy = { requested, image: requested, standIn: false };
    else {
      const image = await build('toxiproxy');
      req.log(`containers: the embedded fault proxy image ${image} stands in for ${requested}`);
      toxiproxy = { requested, image, standIn: true };
    }
  }
  return { backend, servers, toxiproxy };
}

/** The report's `containers`: the lane, with the versions the started containers reported. */
export function containersInfo(lane: ContainerLane, started: readonly ContainerStarted[]): ContainersInfo {
  const images: ContainersInfo['images'] = [];
  const versionOf = (image: string) => started.find((s) => s.image === image)?.version ?? null;
  for (const [kind, image] of Object.entries(lane.servers ?? {}))
    images.push({ kind, image, version: versionOf(image) });
  if (lane.toxiproxy)
    images.push({ kind: 'toxiproxy', image: lane.toxiproxy.image, version: versionOf(lane.toxiproxy.image) });
  return { backend: lane.backend, images, toxiproxy: lane.toxiproxy };
}

/** The lane's command-line options, shared by the check command and `compare`. */
export const LANE_OPTIONS = {
  containers: { type: 'boolean', default: false },
  toxiproxy: { type: 'string' },
  'toxiproxy-image': { type: 'string' },
} as const;

/** `--containers`, `--toxiproxy embedded|container`, `--toxiproxy-image`: checked, as CheckOptions. */
export function laneOptions(values: {
  containers?: boolean;
  toxiproxy?: string;
  'toxiproxy-image'?: string;
  'toxiproxy-url'?: string;
}): { containers?: true; toxiproxyImage?: string } {
  const mode = values.toxiproxy ?? 'embedded';
  if (mode !== 'embedded' && mode !== 'container')
    throw new UsageError(`--toxiproxy takes embedded or container (got ${mode})`);
  if (values['toxiproxy-image'] !== undefined && mode !== 'container')
    throw new UsageError('--toxiproxy-image needs --toxiproxy container');
  if (mode === 'container' && values['toxiproxy-url'] !== undefined)
    throw new UsageError('--toxiproxy container and --toxiproxy-url exclude each other');
  return {
    ...(values.containers ? { containers: true as const } : {}),
    ...(mode === 'container' ? { toxiproxyImage: values['toxiproxy-image'] ?? DEFAULT_TOXIPROXY_IMAGE } : {}),
  };
}

/**
 * Removes the containers a suite process left behind (it was killed before its own cleanup ran):
 * those whose owner label names that process on this host. Never throws.
 */
export async function removeContainersOf(pid: number): Promise<void> {
  try {
    const { docker } = await import('../../fixtures/containers/docker.ts');
    const { LABEL } = await import('../../fixtures/containers/servers.ts');
    const out = await docker(['ps', '-aq', '--filter', `label=${LABEL}.owner=${hostname()}:${pid}`], {
      timeoutMs: 10_000,
    });
    const ids = out.split('\n').filter((id) => id !== '');
    if (ids.length > 0) await docker(['rm', '-f', ...ids], { timeoutMs: 20_000 });
  } catch {
    // the next run's sweep removes them
  }
}
