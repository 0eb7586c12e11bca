// `tsnet-learn lab list`: every lab, whether it runs, and who made it.

/** The exit code: 0. */
export async function labListCommand(): Promise<number> {
  const { listRecords, isAlive } = await import('../../lab/labStore.js');
  const { creatorIsAlive, describeLab, labStatus, prunable } = await import('../../lab/labStatus.js');
  const labs = listRecords();
  if (labs.length === 0) process.stdout.write('No labs. Create one with: tsnet-learn lab create\n');
  const statuses = labs.map((r) => labStatus(r, isAlive(r), creatorIsAlive(r)));
  for (const [i, r] of labs.entries()) process.stdout.write(`${describeLab(r, statuses[i]!, isAlive(r))}\n`);
  if (statuses.some(prunable))
    process.stdout.write('\n`tsnet-learn lab prune` removes every orphaned or gone lab at once.\n');
  return 0;
}
