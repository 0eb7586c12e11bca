// `tsnet-learn lab list`: every lab, whether it runs, and who made it.

/** The exit code: 0. */
export async function labListCommand(opts: { format: 'pretty' | 'json' }): Promise<number> {
  const { listRecords, isAlive } = await import('../../lab/labStore.js');
  const { creatorIsAlive, describeLab, LAB_LIST_HEADER, labJson, labStatus, prunable } = await import(
    '../../lab/labStatus.js'
  );
  const labs = listRecords();
  const statuses = labs.map((r) => labStatus(r, isAlive(r), creatorIsAlive(r)));
  if (opts.format === 'json') {
    process.stdout.write(
      `${JSON.stringify(
        labs.map((r, i) => labJson(r, statuses[i]!)),
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  if (labs.length === 0) process.stdout.write('No labs. Create one with: tsnet-learn lab create\n');
  else process.stdout.write(`${LAB_LIST_HEADER}\n`);
  for (const [i, r] of labs.entries()) process.stdout.write(`${describeLab(r, statuses[i]!, isAlive(r))}\n`);
  if (statuses.some(prunable))
    process.stdout.write('\n`tsnet-learn lab prune` removes every orphaned or gone lab at once.\n');
  return 0;
}
