// scripts/tap-failures, which scripts/test runs last when the suite failed: it says again what failed,
// so that a CI log read from its tail still names the test. Read on node-tap's own output, captured
// from a run of a file with a failing assertion, a thrown error and a passing test.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { REPO } from '../integration/harness.js';

const SCRIPT = join(REPO, 'scripts/tap-failures');
const FAILING = join(REPO, 'test/fixtures/tap/failing-run.tap');

const failures = (...files: string[]) => spawnSync(SCRIPT, files, { encoding: 'utf8' });

t.test('each failing assertion is named under the subtests it sits in, with its diff', async (t) => {
  const r = failures(FAILING);
  t.equal(r.status, 0);
  t.match(r.stdout, /^not ok: test\/zz_tmp\.test\.ts > outer > inner > one is two\n/m);
  t.match(r.stdout, /-2\n\s+\+1\n/, 'the diff is kept');
  t.match(r.stdout, /^not ok: test\/zz_tmp\.test\.ts > throws > boom\n/m);
  t.match(r.stdout, /tapCaught: returnedPromiseRejection/);
});

t.test('the file that failed is named with its exit code, without how tap started it', async (t) => {
  const r = failures(FAILING);
  t.match(r.stdout, /^not ok: test\/zz_tmp\.test\.ts # time=[\d.]+ms\n {2}---\n {2}exitCode: 1\n/m);
  t.notMatch(r.stdout, /--import=|stdio: inherit/);
});

t.test('subtests that failed only because of what is inside them are not listed again', async (t) => {
  const r = failures(FAILING);
  t.notMatch(r.stdout, /> (inner|outer|throws) # time=/);
  t.notMatch(r.stdout, /^not ok: .* > fine/m, 'nor what passed');
  t.match(r.stdout, /\n3 failure\(s\), listed above\.\n$/);
});

t.test('the quoted source of the test file is left out', async (t) => {
  t.notMatch(failures(FAILING).stdout, /source:|import t from 'tap'/);
});

t.test('a run that passed prints nothing', async (t) => {
  const passing = join(REPO, 'test/fixtures/tap/passing-run.tap');
  const r = failures(passing);
  t.same([r.status, r.stdout, r.stderr], [0, '', '']);
});
