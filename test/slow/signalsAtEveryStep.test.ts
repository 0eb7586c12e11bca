// SIGINT and SIGTERM at every step of `run 7` (lessons 5, 6 and 7): the lab that run created is
// destroyed, its web server with it, the exit code is 130 or 143, and nothing is left on the host.
// Slow (24 interrupted runs): `npm run test:slow`; ./scripts/test and .ci/run run it too.
import t from 'tap';
import { hostNetwork, sandbox } from '../integration/harness.js';
import { assertNothingLeft, EXIT_CODE, runUntilStep, SERVER_STEP, STEPS, stepsStarted } from '../integration/interrupts.js';

for (const [i, step] of STEPS.entries()) {
  // Both signals side by side, each in its own sandbox: half the wall time on two cores.
  t.test(`SIGINT or SIGTERM during ${step} (step ${i + 1} of ${STEPS.length}) destroys the new lab and leaves nothing`, async (t) => {
    const before = hostNetwork();
    const cases = await Promise.all(
      (['SIGINT', 'SIGTERM'] as const).map(async (signal) => {
        const box = sandbox();
        t.teardown(() => box.cleanup());
        const { cli, lab, server } = await runUntilStep(box, 'sig', i + 1);
        cli.kill(signal);
        return { signal, box, cli, lab, server, exit: await cli.exit };
      }),
    );
    for (const { signal, box, cli, lab, server, exit } of cases) {
      if (i + 1 > SERVER_STEP) t.ok(server, `${signal}: the lab was running the web server when the signal came`);
      t.equal(exit.code, EXIT_CODE[signal], `${signal}: exit ${EXIT_CODE[signal]}\n${cli.stderr()}`);
      t.ok(stepsStarted(cli.stdout()) >= i + 1 && !/passed in lab/.test(cli.stdout()), `${signal}: the run was stopped on its way, not after it`);
      t.match(cli.stderr(), /the lab "sig" that this run created was destroyed \(with --keep it would stay\)/, `${signal}: says the lab was destroyed`);
      await assertNothingLeft(t, box, before, lab);
    }
  });
}
