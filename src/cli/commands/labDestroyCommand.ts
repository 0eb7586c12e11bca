// `tsnet-learn lab destroy`: a lab and everything in it; a lab that is gone already is nothing to do.

/** The exit code: 0, also when there was nothing to destroy. */
export async function labDestroyCommand(name: string): Promise<number> {
  const { destroyLab } = await import('../../lab/lab.js');
  const result = await destroyLab(name);
  const say = {
    destroyed: `Destroyed lab "${name}".`,
    stale: `Lab "${name}" was no longer running; removed its record.`,
    missing: `There is no lab "${name}"; nothing to do.`,
  };
  process.stdout.write(`${say[result]}\n`);
  return 0;
}
