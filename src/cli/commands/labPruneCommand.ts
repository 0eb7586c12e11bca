// `tsnet-learn lab prune`: labs left behind by a run or test that was killed, and stale records.

/** The exit code: 0. A lab a learner or a live run owns is never removed. */
export async function labPruneCommand(): Promise<number> {
  const { listRecords } = await import('../../lab/labStore.js');
  const { currentStatus, prunable } = await import('../../lab/labStatus.js');
  const { destroyLab } = await import('../../lab/lab.js');
  const gone = listRecords().filter((r) => prunable(currentStatus(r)));
  for (const r of gone) await destroyLab(r.name);
  process.stdout.write(
    gone.length
      ? `Removed ${gone.map((r) => `"${r.name}"`).join(', ')}.\n`
      : 'Nothing to prune: every lab is running or in use.\n',
  );
  return 0;
}
