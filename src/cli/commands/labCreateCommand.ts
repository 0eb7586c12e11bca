// `tsnet-learn lab create`: a lab with the tutorial's world, kept until `lab destroy`.

/** The exit code: 0 (an existing lab or a missing tool throws UserError: exit 2). */
export async function labCreateCommand(name: string): Promise<number> {
  const { createLab } = await import('../../lab/lab.js');
  const { assertTools } = await import('../../exec/preflight.js');
  assertTools();
  const r = await createLab(name);
  process.stdout.write(
    `Created lab "${r.name}" (pid ${r.initPid}${r.rootless ? ', rootless' : ''}). Enter it with: tsnet-learn lab shell ${r.name}\n`,
  );
  return 0;
}
