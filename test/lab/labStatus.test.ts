import t from 'tap';
import { describeLab, LAB_LIST_HEADER, labJson, labStatus, prunable } from '../../src/lab/labStatus.js';
import type { LabRecord } from '../../src/lab/labStore.js';

const record = (over: Partial<LabRecord> = {}): LabRecord => ({
  name: 'test-4242-0',
  holderPid: 100,
  initPid: 101,
  initStartTime: '5',
  rootless: false,
  uid: 0,
  createdAt: '2026-11-29T00:00:00.000Z',
  creator: { pid: 4242, startTime: '3', command: 'test lesson-3' },
  ephemeral: true,
  ...over,
});

t.test('a lab whose creator still runs and will remove it is in use, and is never pruned', async (t) => {
  t.equal(labStatus(record(), true, true), 'in-use');
  t.notOk(prunable('in-use'));
  t.match(
    describeLab(record(), 'in-use', true),
    /in use +by `tsnet-learn test lesson-3` \(pid 4242\), which removes it/,
  );
});

t.test('an ephemeral lab whose creator was killed is an orphan, alive or not, and says how to remove it', async (t) => {
  t.equal(labStatus(record(), true, false), 'orphaned');
  t.equal(labStatus(record(), false, false), 'orphaned');
  t.ok(prunable('orphaned'));
  t.match(
    describeLab(record(), 'orphaned', false),
    /orphaned: `tsnet-learn test lesson-3` \(pid 4242\) was killed, and the lab ended with it; `tsnet-learn lab destroy test-4242-0` removes the record/,
  );
  t.match(
    describeLab(record(), 'orphaned', true),
    /was killed and left it running; `tsnet-learn lab destroy test-4242-0` removes it/,
  );
});

t.test(
  "a kept lab is the learner's: running while it runs, stale once gone, whatever became of its creator",
  async (t) => {
    const kept = record({
      name: 'mine',
      ephemeral: false,
      creator: { pid: 7, startTime: '1', command: 'run lesson-7' },
    });
    t.equal(labStatus(kept, true, false), 'running');
    t.notOk(prunable('running'));
    t.match(
      describeLab(kept, 'running', true),
      /^mine +running +pid 101 +since .* made by `tsnet-learn run lesson-7`$/,
    );
    t.equal(labStatus(kept, false, false), 'stale');
    t.ok(prunable('stale'));
  },
);

t.test('records written before labs knew their creator read as kept labs', async (t) => {
  const old = record({ creator: undefined, ephemeral: undefined });
  t.equal(labStatus(old, true, false), 'running');
  t.equal(labStatus(old, false, false), 'stale');
  t.notMatch(describeLab(old, 'running', true), /made by/);
});

t.test('the header of lab list names the columns each line fills', async (t) => {
  const line = describeLab(record({ name: 'mine', ephemeral: false }), 'running', true);
  t.equal(LAB_LIST_HEADER.indexOf('STATUS'), line.indexOf('running'), 'the status sits under STATUS');
  t.match(LAB_LIST_HEADER, /^NAME +STATUS$/);
});

t.test("lab list --format json gives the lab's name, status, init pid and who made it", async (t) => {
  t.strictSame(labJson(record(), 'in-use'), {
    name: 'test-4242-0',
    status: 'in-use',
    pid: 101,
    rootless: false,
    createdAt: '2026-11-29T00:00:00.000Z',
    creator: { pid: 4242, command: 'tsnet-learn test lesson-3' },
  });
  t.equal(labJson(record({ creator: undefined }), 'stale').creator, null, 'an old record does not know its creator');
});
