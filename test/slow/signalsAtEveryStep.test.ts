// SIGINT and SIGTERM at every step of `run 7` (lessons 5, 6 and 7): the lab that run created is
// destroyed, its web server with it, the exit code is 130 or 143, and nothing is left on the host.
// Slow (24 interrupted runs): `npm run test:slow`; ./scripts/test and .ci/run run it too.
import t from 'tap';
import { hostNetwork, sandbox } from '../integration/harness.js';
import {
  assertNothingLeft,
  EXIT_CODE,
  runUntilStep,
  SERVER_STEP,
  STEPS,
  stepsStarted,
} from '../integration/interrupts.js';

for (const [i, step] of STEPS.entries()) {
  // Both signals side by side, each in its own sandbox: half the wall time on two cores.
  t.test(
    `SIGINT or SIGTERM during ${step} (step ${i + 1} of ${STEPS.length}) destroys the new lab and leaves nothing`,
    async (t) => {
      const before = hostNetwork();
      const cases = await Promise.all(
        (['SIGINT', 'SIGTERM'] as const).map(async (signal) => {
          const box = sandbox();
          t.teardown(() => box.cleanup());
          // The last step is quick: on a loaded machine the signal may land only once the run has got
          // to its report, when the lab is already the learner's and stays (and the run says so). That
          // attempt says nothing about stopping a run on its way, so it is made again (three times at
          // most; the checks below then fail on the last one).
          for (let attempt = 1; ; attempt++) {
            const { cli, lab, server } = await runUntilStep(box, 'sig', i + 1);
            cli.kill(signal);
            const exit = await cli.exit;
            const late = /passed in lab/.test(cli.stdout()) || /the lab "sig" stays/.test(cli.stderr());
            if (!late || attempt === 3) return { signal, box, cli, lab, server, exit };
            t.comment(`${signal} landed after the run had got to its report (attempt ${attempt}); again`);
            t.equal((await box.run(['lab', 'destroy', 'sig'])).code, 0, 'the lab the run left is removed');
          }
        }),
      );
      for (const { signal, box, cli, lab, server, exit } of cases) {
        if (i + 1 > SERVER_STEP) t.ok(server, `${signal}: the lab was running the web server when the signal came`);
        t.equal(exit.code, EXIT_CODE[signal], `${signal}: exit ${EXIT_CODE[signal]}\n${cli.stderr()}`);
        t.ok(
          stepsStarted(cli.stdout()) >= i + 1 && !/passed in lab/.test(cli.stdout()),
          `${signal}: the run was stopped on its way, not after it`,
        );
        t.match(
          cli.stderr(),
          /the lab "sig" that this run created was destroyed \(with --keep it would stay\)/,
          `${signal}: says the lab was destroyed`,
        );
        await assertNothingLeft(t, box, before, lab);
      }
    },
  );
}
