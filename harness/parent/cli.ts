/**
 * agent-conformance <subject> [--runtime R] [--only <id>…] [--out DIR] [--reporter R[:path]]…
 *                   [--expectations FILE [--update-expectations]] [--list] [--trace]
 * agent-conformance compare <report.json | subject[@runtime]>… (./commands/compare.ts)
 *
 * The pipeline, top to bottom: arguments → plan → subject preflight → run → results → reporters
 * (harness/pipeline.ts runs one subject; this file parses, renders and picks the exit code).
 */

import { parseArgs } from 'node:util';
import { prepareRun } from '../api/index.ts';
import { interruptedLine, SUITE } from './build-report.ts';
import { LANE_OPTIONS } from './container-setup.ts';
import { UsageError } from './errors.ts';
import { catchSignals } from './interrupt.ts';
import {
  CHECK_CONCURRENCY,
  DEFAULT_IMPLEMENTATIONS_AT_ONCE,
  type Io,
  parseConcurrency,
  parseProtocol,
} from './pipeline.ts';
import { loadCatalog } from './plan.ts';
import { emitGithub } from './report/github.ts';
import { reporters } from './report/index.ts';
import { emitOutputs, resolveTargets, stdoutTaken } from './report/output.ts';
import { painter, renderTerminal } from './report/terminal.ts';

export type { Io } from './pipeline.ts';

const USAGE = `usage: agent-conformance <subject> [options]
       agent-conformance compare <report.json | subject[@runtime]>… [compare options]
       agent-conformance bisect [subject] --only <id> --from <v> --to <v> [--over node|package]
                                                 (the first release whose verdict differs; --help)
       agent-conformance merge <report.json | compare.json>… [--out DIR]
                                                 (join the reports or matrices of --shard i/n runs)
       agent-conformance timeline <report.json> <case-id> [--out file.svg]   (one case's wire timeline as SVG)
       agent-conformance toxiproxy [--port 8474] [--host 127.0.0.1] [--config proxies.json]
                                                 (the embedded fault proxy, in the foreground)
       agent-conformance images [--offline-base] [nginx|httpd|haproxy|toxiproxy]…
                                                 (build the container lane's images; --offline-base
                                                 first makes their base without a registry)
       agent-conformance --list

  <subject>              node | agentkeepalive | undici | npmcli-agent | path to a module exporting
                         createAgent(options) or createDispatcher(options); a built-in at an npm
                         version: undici:7, agentkeepalive:4.5.0, npmcli-agent:3 (installed on first use)
  --runtime <R>          node (default) | node@22 | node@16.20.2 (16.0 and later) | bun | deno | path
                         to an executable
  --only <id>            run only this case id, area, or prefix ending in * (repeatable)
  --out <dir>            where report.json and the reporters' files go (default: reports/<subject>/, or
                         reports/<subject>@<runtime>/ with --runtime; a path subject is named by its
                         file: ./myAgent.ts → reports/myAgent/)
  --reporter <name>[:path]
                         terminal (default) | json | html | markdown | junit | github (repeatable);
                         without a path: <out>/report.html, <out>/report.md, <out>/junit.xml; "-" is
                         stdout; github: GitHub Actions annotations on stdout + the step summary
  --expectations <file>  known failures (a JSON file, or "node" for the shipped one): exit 1 only
                         on an unexpected failure or an unexpected pass
  --update-expectations  rewrite the --expectations file from this run
  --shard <i/n>          run only shard i of n of the selected cases (round-robin in catalog order);
                         \`agent-conformance merge\` joins the n reports into one
  --trace                keep a wire transcript for every case (failures always keep one)
  --concurrency <n>      cases run at once (default ${CHECK_CONCURRENCY}; a case marked alone runs by itself)
  --protocol <p>         http (default) | https: run the cases over TLS origins with the subject's
                         https agents (createHttpsAgent); ids unchanged, recorded in the report
  --toxiproxy-url <url>  drive the faults cases through this Toxiproxy (http://127.0.0.1:8474; loopback
                         only) instead of the embedded one
  --containers           add the container lane: the servers area against nginx, Apache httpd and
                         HAProxy in Docker (without it those cases are skip; no engine: exit 2)
  --toxiproxy <mode>     embedded (default) | container: Toxiproxy in Docker (offline, our fault
                         proxy's image stands in; the report says which ran)
  --toxiproxy-image <i>  the image for --toxiproxy container (default ghcr.io/shopify/toxiproxy:2.12.0)
  --list                 list the cases and exit
  -h, --help             this text
  -v, --version          print the version

compare options (agent-conformance compare --help):
  --only-different       show only the cases whose results differ
  --out <dir>            where compare.json, compare.html and compare.md go (default: reports/compare/)
  --concurrency <n>      implementations run at once (default ${DEFAULT_IMPLEMENTATIONS_AT_ONCE}; 1 with --containers)
  --shard <i/n>          run only shard i of n of the cases (agent-conformance merge joins the matrices)
  --only <id>, --reporter <name>[:path] (terminal, json, html, markdown), --protocol <p>
  --containers, --toxiproxy <mode>, --toxiproxy-image <image>

exit codes: 0 every must case passed · 1 a must case failed · 2 usage, harness or subject error
  with --expectations: 0 no surprise · 1 an unexpected failure or pass · 2 usage or harness error
  compare: 0 the matrix was produced · 2 usage error, or a subject could not be run at all
  130 / 143 interrupted by SIGINT / SIGTERM: the report of what finished is written, marked incomplete`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        runtime: { type: 'string', default: 'node' },
        only: { type: 'string', multiple: true, default: [] },
        out: { type: 'string' },
        reporter: { type: 'string', multiple: true, default: [] },
        expectations: { type: 'string' },
        'update-expectations': { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        trace: { type: 'boolean', default: false },
        concurrency: { type: 'string', default: String(CHECK_CONCURRENCY) },
        'toxiproxy-url': { type: 'string' },
        protocol: { type: 'string', default: 'http' },
        shard: { type: 'string' },
        ...LANE_OPTIONS,
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function list(io: Io): Promise<number> {
  const cases = await loadCatalog();
  for (const c of cases) io.out.write(`${c.id.padEnd(48)} ${c.level.padEnd(6)} ${c.title}\n`);
  io.out.write(`${cases.length} cases\n`);
  return 0;
}

/** The check command's reporters: files in the output directory unless a path is given. */
export const CHECK_FILES = {
  json: reporters.json.defaultFile,
  html: reporters.html.defaultFile,
  markdown: reporters.markdown.defaultFile,
  junit: reporters.junit.defaultFile,
} as const;

export async function main(
  argv: string[],
  io: Io = { out: process.stdout, err: process.stderr },
): Promise<number> {
  if (argv[0] === 'compare') {
    const { compareCommand } = await import('./commands/compare.ts');
    return compareCommand(argv.slice(1), io);
  }
  if (argv[0] === 'bisect') {
    const { bisectCommand } = await import('./commands/bisect.ts');
    return bisectCommand(argv.slice(1), io);
  }
  if (argv[0] === 'merge') {
    const { mergeCommand } = await import('./commands/merge.ts');
    return mergeCommand(argv.slice(1), io);
  }
  if (argv[0] === 'timeline') {
    const { timelineCommand } = await import('./commands/timeline.ts');
    return timelineCommand(argv.slice(1), io);
  }
  if (argv[0] === 'images') {
    const { imagesCommand } = await import('./commands/images.ts');
    return imagesCommand(argv.slice(1), io);
  }
  if (argv[0] === 'toxiproxy') {
    const { toxiproxyCommand } = await import('./commands/toxiproxy.ts');
    return toxiproxyCommand(argv.slice(1), io);
  }
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.out.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    io.out.write(`${SUITE.version}\n`);
    return 0;
  }
  if (values.list) return list(io);
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length ? `one subject at a time (got ${positionals.join(' ')})` : 'no subject given',
    );
  // From here a signal no longer kills the CLI outright: the run stops and writes what it measured.
  const release = catchSignals();
  try {
    return await check(values, positionals[0]!, io);
  } finally {
    release();
  }
}

async function check(
  values: ReturnType<typeof parse>['values'],
  subjectSpec: string,
  io: Io,
): Promise<number> {
  const toxiproxy = values.toxiproxy;
  if (toxiproxy !== undefined && toxiproxy !== 'embedded' && toxiproxy !== 'container')
    throw new UsageError(`--toxiproxy takes embedded or container (got ${toxiproxy})`);
  // The run itself is the API's (harness/api); this layer parses and renders.
  const prepared = await prepareRun(subjectSpec, {
    protocol: parseProtocol(values.protocol),
    runtime: values.runtime,
    only: values.only,
    ...(values.out === undefined ? {} : { out: values.out }),
    trace: values.trace,
    concurrency: parseConcurrency(values.concurrency),
    ...(values.shard === undefined ? {} : { shard: values.shard }),
    ...(values.expectations === undefined ? {} : { expectations: values.expectations }),
    updateExpectations: values['update-expectations'],
    ...(values['toxiproxy-url'] === undefined ? {} : { toxiproxyUrl: values['toxiproxy-url'] }),
    containers: values.containers,
    ...(toxiproxy === undefined ? {} : { toxiproxy }),
    ...(values['toxiproxy-image'] === undefined ? {} : { toxiproxyImage: values['toxiproxy-image'] }),
    io,
  });
  // Everything that can be a usage error is checked before the run.
  const targets = resolveTargets(values.reporter, {
    outDir: prepared.outDir,
    defaultFiles: CHECK_FILES,
    whenNone: ['terminal'],
    github: true,
  });

  const { report, file, exitCode, expectations, unexpected } = await prepared.execute();

  // Every output is rendered from the report just written; stdout belongs to a `-` reporter if any.
  const chatter = stdoutTaken(targets) ? io.err : io.out;
  emitOutputs(
    targets.filter((t) => t.name !== 'github'),
    (t) =>
      t.name === 'terminal' && t.to === 'stdout'
        ? renderTerminal(report, io.out.isTTY ? painter(io.out) : undefined)
        : reporters[t.name].render(report),
    { canonical: file, written: [`report: ${file}`], out: io.out, err: io.err },
  );
  if (targets.some((t) => t.name === 'github')) emitGithub(report, unexpected, { out: io.out });
  if (report.fatal) io.err.write(`agent-conformance: ${report.fatal.message}\n`);
  // An interrupted run gates nothing and updates no expectation file.
  if (report.incomplete) io.err.write(`agent-conformance: ${interruptedLine(report, file)}\n`);
  if (expectations) {
    if (expectations.lines.length) chatter.write(`${expectations.lines.join('\n')}\n`);
    for (const w of expectations.warnings) io.err.write(`agent-conformance: ${w}\n`);
  }
  return exitCode;
}
