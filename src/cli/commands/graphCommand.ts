// `tsnet-learn graph`: the live network of a target as a picture. Reads only; changes nothing in the target.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Snapshot } from '../../snapshot/model.js';
import { UserError } from '../../core/errors.js';

export type GraphFormat = 'svg' | 'dot' | 'text';

/**
 * The format: --format wins, then the extension of -o; without either, text on a terminal (an SVG there is
 * unreadable) and SVG when piped or redirected (`graph > net.svg`). Pure.
 */
export function graphFormat(
  output: string | undefined,
  format: GraphFormat | undefined,
  stdoutIsTTY: boolean,
): GraphFormat {
  if (format) {
    if (format === 'text' && output)
      throw new UserError(
        '--format text is for the terminal; -o writes a picture.',
        'Use -o FILE.svg or -o FILE.dot, or leave out -o.',
      );
    return format;
  }
  if (output === undefined) return stdoutIsTTY ? 'text' : 'svg';
  const ext = /\.([^./]+)$/.exec(output)?.[1]?.toLowerCase();
  if (ext === 'svg') return 'svg';
  if (ext === 'dot' || ext === 'gv') return 'dot';
  throw new UserError(
    `Cannot tell the format of "${output}" from its name.`,
    'Use -o FILE.svg (a picture) or -o FILE.dot (Graphviz source), or say --format svg|dot.',
  );
}

/** The exit code: 0 (bad input and a missing target throw UserError: exit 2). */
export async function graphCommand(opts: { target: string; output?: string; format?: GraphFormat }): Promise<number> {
  const format = graphFormat(opts.output, opts.format, Boolean(process.stdout.isTTY));
  const [
    { parseTargetSpec, localSpec, openTarget },
    { assertTools },
    { openShell },
    { takeFullSnapshot },
    { topologyOf },
  ] = await Promise.all([
    import('../../target/target.js'),
    import('../../exec/preflight.js'),
    import('../../target/shell.js'),
    import('../../snapshot/fullSnapshot.js'),
    import('../../snapshot/topology.js'),
  ]);
  const spec = localSpec(parseTargetSpec(opts.target), 'graph');
  if (opts.output && !existsSync(dirname(opts.output)))
    throw new UserError(`Cannot write "${opts.output}": the directory ${dirname(opts.output)} does not exist.`);
  assertTools();
  const target = await openTarget(spec, { create: false, allowHost: true });
  const shell = await openShell(target.argv, target.jobsDir);
  let snapshot: Snapshot;
  try {
    snapshot = await takeFullSnapshot(shell, target.hasOutside);
  } finally {
    await shell.close();
  }
  const topology = topologyOf(snapshot);
  let text: string;
  if (format === 'text') {
    const { topologyText } = await import('../../snapshot/topologyText.js');
    text = `${target.label}\n${topologyText(topology)}\nA picture: tsnet-learn graph${opts.target === 'lab:default' ? '' : ` --target ${opts.target}`} -o network.svg\n`;
  } else {
    const { topologyDot } = await import('../../snapshot/topologyDot.js');
    const dot = topologyDot(topology, `network of ${target.label}`);
    text = format === 'dot' ? dot : await (await import('../../snapshot/topologySvg.js')).topologySvg(dot);
  }
  if (!opts.output) {
    process.stdout.write(text);
    return 0;
  }
  try {
    writeFileSync(opts.output, text);
  } catch (e) {
    throw new UserError(`Cannot write "${opts.output}": ${(e as Error).message}`);
  }
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  const counts = [
    count(topology.namespaces.length, 'namespace'),
    count(topology.vethPairs.length, 'veth pair'),
    count(topology.bridges.length, 'bridge'),
    count(topology.published.length, 'published port'),
  ].join(', ');
  process.stdout.write(`Wrote the network of ${target.label} to ${opts.output} (${counts}).\n`);
  return 0;
}
