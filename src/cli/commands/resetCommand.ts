// `tsnet-learn reset --target host`: undo exactly what `run --target host` recorded, and nothing else.
import { existsSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { UserError } from '../../core/errors.js';
import type { ProcessStat } from '../../exec/processStat.js';
import { run } from '../../exec/spawn.js';

/** Still running: the same process (start time), and not a zombie waiting for its parent. */
function running(stat: ProcessStat | null, startTime: string | null): boolean {
  return stat !== null && stat.state !== 'Z' && (startTime === null || stat.startTime === startTime);
}

async function stop(pid: number): Promise<void> {
  const { processStat } = await import('../../exec/processStat.js');
  const start = processStat(pid)?.startTime ?? null;
  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(pid, sig);
    } catch {
      return;
    }
    for (let i = 0; i < 100 && running(processStat(pid), start); i++) await new Promise((r) => setTimeout(r, 20));
    if (!running(processStat(pid), start)) return;
  }
}

/** The exit code: 0 undone (or nothing to undo), 2 when something could not be undone (bad input throws). */
export async function resetCommand(opts: { target?: string }): Promise<number> {
  if (opts.target !== 'host') {
    throw new UserError(
      opts.target
        ? `reset only undoes host runs; "${opts.target}" is not --target host.`
        : 'reset needs --target host: it undoes what `tsnet-learn run --target host` changed on this machine.',
      'A lab is removed whole with: tsnet-learn lab destroy NAME',
    );
  }
  const [
    { isRoot },
    { settledRecord },
    { isEmptyRecord },
    { removeHostRecord, writeHostRecord, hostRecordPath },
    { takeHostSnapshot },
    { resetPlan },
    { backendOf },
    { onPath },
    { startTimeOf },
    { claimHost },
  ] = await Promise.all([
    import('../../lab/lab.js'),
    import('../../host/hostRun.js'),
    import('../../host/hostRecord.js'),
    import('../../host/hostRecordFile.js'),
    import('../../host/hostSnapshot.js'),
    import('../../host/resetPlan.js'),
    import('../../host/hostFacts.js'),
    import('../../exec/preflight.js'),
    import('../../exec/processStat.js'),
    import('../../lab/labLock.js'),
  ]);
  if (!isRoot())
    throw new UserError('reset --target host needs root.', 'Run it as root (sudo tsnet-learn reset --target host).');
  claimHost('tsnet-learn reset --target host');
  const record = settledRecord();
  if (isEmptyRecord(record)) {
    process.stdout.write(
      'Nothing to reset: no change by `tsnet-learn run --target host` is recorded on this machine.\n',
    );
    return 0;
  }
  const snapshot = takeHostSnapshot(record.sysctls.map((s) => s.key));
  const netnsPids: Record<string, number[]> = {};
  for (const ns of record.netns.filter((n) => snapshot.netns.includes(n))) {
    netnsPids[ns] = (await run('ip', ['netns', 'pids', ns])).stdout.split(/\s+/).filter(Boolean).map(Number);
  }
  const plan = resetPlan(record, {
    snapshot,
    alive: record.processes.filter((p) => p.startTime !== '' && startTimeOf(p.pid) === p.startTime).map((p) => p.pid),
    netnsPids,
    backend: backendOf((await run('iptables', ['-V'])).stdout),
    nft: onPath('nft'),
    existingDirs: record.dirs.map((d) => d.path).filter((d) => existsSync(d)),
  });

  const out: string[] = [
    `Undoing what tsnet-learn run --target host changed on this machine${record.lessons.length ? ` (${record.lessons.join(', ')})` : ''}:`,
  ];
  const failures: string[] = [];
  for (const step of plan.steps) {
    let error: string | null = null;
    let gone = false;
    if (step.kind === 'kill') await stop(step.pid);
    else if (step.kind === 'write') {
      try {
        writeFileSync(step.file, `${step.value}\n`);
      } catch (e) {
        error = (e as Error).message;
      }
    } else if (step.kind === 'remove') {
      if (step.withContents) rmSync(step.path, { recursive: true, force: true });
      else {
        try {
          rmdirSync(step.path);
        } catch {
          // Not empty: something else lives there now (the record itself, when it is the state directory).
        }
      }
    } else {
      const r = await run(step.argv[0]!, step.argv.slice(1), { env: { LC_ALL: 'C' } });
      const stderr = r.stderr.trim() || (r.error ?? '');
      if (r.exitCode !== 0) {
        if (step.gone?.test(stderr)) gone = true;
        else error = stderr || `exit ${r.exitCode}`;
      }
    }
    if (error) failures.push(`${step.what}: ${error}`);
    out.push(`  ${error ? '✘' : '✔'} ${step.what}${gone ? ' (already gone)' : ''}${error ? `: ${error}` : ''}`);
  }
  for (const g of plan.gone) out.push(`  · already gone: ${g}`);
  for (const k of plan.kept) out.push(`  · left alone: ${k}`);
  if (failures.length > 0) {
    writeHostRecord(record);
    out.push(
      `${failures.length} of ${plan.steps.length} steps failed. The record stays in ${hostRecordPath()}; fix the cause and run tsnet-learn reset --target host again.`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
    return 2;
  }
  removeHostRecord();
  out.push(
    `Done: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}; what tsnet-learn changed is undone, everything else was left as it was.`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
