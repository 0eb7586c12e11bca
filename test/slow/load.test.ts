// 20 labs at once, each running lesson 7 in its own `tsnet-learn run`: all pass, none sees another's
// state, and destroying them leaves nothing. Slow: `npm run test:slow`; ./scripts/test and .ci/run run it too.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { checksOf, parseReport } from '../helpers/report.js';
import { runInParallel } from '../../bench/parallelRuns.js';
import {
  CLI,
  cliEnv,
  commandLine,
  eventually,
  hostNetwork,
  processesOfLab,
  sandbox,
  stillRunning,
  type ProcessId,
} from '../integration/harness.js';

const LABS = 20;

t.test(
  `${LABS} labs running lesson 7 at once all pass, each holds only its own state, and destroying them leaves nothing`,
  async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    const before = hostNetwork();
    const labs = Array.from({ length: LABS }, (_, i) => `load${i}`);
    const load = await runInParallel({ cli: CLI, lesson: 'lesson-7', labs, env: cliEnv(box.stateDir), sampleMs: 0 });
    t.comment(`${LABS} runs at once: ${(load.wallMs / 1000).toFixed(1)} s (bench/load.ts measures time and memory)`);
    for (const r of load.runs) {
      t.equal(r.code, 0, `${r.lab}: run exits 0\n${r.stderr}`);
      const report = parseReport(r);
      t.ok(
        report.passed && report.target === `lab:${r.lab}` && checksOf(report).every((c) => c.status !== 'failed'),
        `${r.lab}: every check passed in its own lab`,
      );
    }
    t.same(hostNetwork(), before, 'twenty labs change nothing on the host');

    // No interference: each lab holds exactly what one run of the lessons builds, not another lab's.
    const processes: ProcessId[] = [];
    for (const lab of labs) {
      const init = box.records()[lab]!.initPid;
      processes.push(...processesOfLab(init));
      const inside = execFileSync(
        'nsenter',
        ['-t', String(init), '--net', '--mount', '--', 'sh', '-c', 'ip netns list; iptables-save -t nat'],
        { encoding: 'utf8' },
      );
      t.same(inside.match(/^netns\d\b/gm)?.sort(), ['netns0', 'netns1'], `${lab}: its two namespaces, no more`);
      t.same(
        inside
          .match(/^-A \S+ .*-j (DNAT|MASQUERADE)/gm)
          ?.map((r) => r.split(' ')[1])
          .sort(),
        ['OUTPUT', 'POSTROUTING', 'PREROUTING'],
        `${lab}: its three NAT rules, once each`,
      );
      t.equal(
        processesOfLab(init).filter((p) => commandLine(p.pid).includes('-m http.server')).length,
        1,
        `${lab}: one web server of the lesson (the outside's echo server aside)`,
      );
    }
    // Grading each lab again, all at once: every check still holds in every lab.
    const grades = await Promise.all(
      labs.map((lab) => box.run(['check', 'lesson-7', '--target', `lab:${lab}`, '--format', 'json'])),
    );
    for (const [i, g] of grades.entries())
      t.equal(g.code, 0, `${labs[i]}: check lesson-7 passes\n${g.stdout.slice(0, 400)}${g.stderr}`);

    const destroyed = await Promise.all(labs.map((lab) => box.run(['lab', 'destroy', lab])));
    t.ok(
      destroyed.every((d) => d.code === 0 && /Destroyed lab/.test(d.stdout)),
      'every lab is destroyed',
    );
    t.same(Object.keys(box.records()), [], 'no lab record is left');
    await eventually(() => box.processes().length === 0 && stillRunning(processes).length === 0);
    t.same(box.processes(), [], 'no process of the runs survives');
    t.same(stillRunning(processes), [], 'no process of the labs survives');
    t.same(hostNetwork(), before, 'the host network is as before');
  },
);
