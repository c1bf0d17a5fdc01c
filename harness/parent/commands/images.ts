/**
 * agent-conformance images [--offline-base] [nginx|httpd|haproxy|toxiproxy]…
 *
 * Builds the container lane's images ahead of a run (a run builds what is missing by itself), one
 * line each. `--offline-base` first makes the base image without a registry: the package's
 * docker/build-base.sh (debootstrap from the Debian mirror apt uses, then `docker import`; root, about
 * a minute, skipped when the image exists). A run never does that on its own (docs/decisions.md):
 * when the registry base cannot be pulled, it stops with one line naming this command.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../../shared/paths.ts';
import { SetupError, UsageError } from '../errors.ts';
import type { Io } from '../pipeline.ts';

const KINDS = ['nginx', 'httpd', 'haproxy', 'toxiproxy'] as const;
type Kind = (typeof KINDS)[number];

export const IMAGES_USAGE = `usage: agent-conformance images [--offline-base] [${KINDS.join('|')}]…

  Builds the images of the container lane (default: all four) from the package's docker/ folder;
  an image that is up to date is kept. Needs a Docker engine.

  --offline-base         first make the base image agent-conformance/debian:bookworm without a
                         registry (debootstrap from the Debian mirror apt uses; root; about 1 min;
                         kept when it exists, FORCE=1 rebuilds it)
  -h, --help             this text`;

export const BUILD_BASE_SCRIPT = join(PACKAGE_ROOT, 'docker', 'build-base.sh');

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'offline-base': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`images: ${(err as Error).message}`);
  }
}

/** Runs docker/build-base.sh, its lines on `io.err`; rejects with its last line. */
function buildBase(io: Io): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [BUILD_BASE_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const relay = (chunk: Buffer) => {
      io.err.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(tail.trim().split('\n').at(-1) ?? `exit ${code}`));
    });
  });
}

export async function imagesCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.out.write(`${IMAGES_USAGE}\n`);
    return 0;
  }
  for (const p of positionals)
    if (!(KINDS as readonly string[]).includes(p))
      throw new UsageError(`images: unknown image ${p} (one of ${KINDS.join(', ')})`);
  const kinds = (positionals.length ? positionals : KINDS) as readonly Kind[];

  const { dockerAvailable, ensureImage, OFFLINE_BASE } = await import(
    '../../../fixtures/containers/index.ts'
  );
  const { explain } = await import('../../../fixtures/containers/diagnose.ts');
  const avail = await dockerAvailable();
  if (!avail.ok) throw new SetupError(`images: ${explain(avail.reason)}`, 'ERR_NO_DOCKER');

  if (values['offline-base']) {
    if (process.getuid?.() !== 0)
      throw new SetupError(
        `images: making the offline base needs root (debootstrap): run it as root: sudo npx agent-conformance images --offline-base`,
        'ERR_CONTAINER_IMAGE',
      );
    try {
      await buildBase(io);
    } catch (err) {
      throw new SetupError(
        `images: the offline base ${OFFLINE_BASE} did not build: ${(err as Error).message}`,
        'ERR_CONTAINER_IMAGE',
      );
    }
  }
  for (const kind of kinds) {
    let img: Awaited<ReturnType<typeof ensureImage>>;
    try {
      img = await ensureImage(kind);
    } catch (err) {
      throw new SetupError(`images: the ${kind} image did not build: ${explain(err)}`, 'ERR_CONTAINER_IMAGE');
    }
    io.out.write(
      `images: ${img.tag} ${img.built ? `built in ${(img.ms / 1000).toFixed(1)} s` : 'up to date'} (base ${img.base})\n`,
    );
  }
  return 0;
}
