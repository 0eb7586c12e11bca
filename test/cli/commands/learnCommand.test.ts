import t from 'tap';
import { learnTarget } from '../../../src/cli/commands/learnCommand.js';

t.test('learn names its lab with --target, as every other command does', async (t) => {
  t.equal(learnTarget({ target: 'lab:mine' }), 'lab:mine');
  t.equal(learnTarget({ target: 'lab:default' }), 'lab:default');
});

t.test('the deprecated --lab NAME still names the lab, unless --target names another one', async (t) => {
  t.equal(learnTarget({ target: 'lab:default', lab: 'mine' }), 'lab:mine');
  t.equal(learnTarget({ target: 'lab:mine', lab: 'mine' }), 'lab:mine', 'both naming the same lab is fine');
  t.throws(() => learnTarget({ target: 'lab:other', lab: 'mine' }), {
    message: /name two different labs/,
    help: /--target lab:NAME/,
  });
});
