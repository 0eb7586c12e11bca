import { Writable } from 'node:stream';
import t from 'tap';
import { doneLine, progressReporter, progressText } from '../../src/class/classProgress.js';
import { smallClass } from '../helpers/classResults.js';

const [alice, bob, erin] = smallClass().results;

t.test('the live line counts done of total, and every status but passed', async (t) => {
  t.equal(progressText(5, [alice!, bob!, erin!], 2), '3/5 done, 1 failed, 1 unreachable, 2 running');
  t.equal(progressText(2, [alice!], 0), '1/2 done');
});

t.test('a finished student as a plain line', async (t) => {
  t.equal(doneLine(alice!, 1, 3), '[1/3] alice: passed, 2/2 points');
  t.equal(doneLine(erin!, 3, 3), '[3/3] erin: unreachable: cannot reach 127.0.0.1: Connection refused');
});

function stream(isTTY: boolean): { out: NodeJS.WriteStream; text(): string } {
  let text = '';
  const out = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }) as unknown as NodeJS.WriteStream;
  (out as { isTTY: boolean }).isTTY = isTTY;
  return { out, text: () => text };
}

t.test('on a terminal one line is redrawn and cleared at the end; piped, a line per student', async (t) => {
  const tty = stream(true);
  const live = progressReporter(2, tty.out);
  live.onStart({ student: 'alice', target: 'ssh:alice', hostIp: null, sudo: false, sshOptions: [], line: 2 });
  live.onDone(alice!);
  live.end();
  t.equal(tty.text(), '\r\x1b[Kgrading: 0/2 done, 1 running\r\x1b[Kgrading: 1/2 done\r\x1b[K');
  const piped = stream(false);
  const plain = progressReporter(2, piped.out);
  plain.onStart({ student: 'erin', target: 'x', hostIp: null, sudo: false, sshOptions: [], line: 3 });
  plain.onDone(erin!);
  plain.end();
  t.equal(piped.text(), '[1/2] erin: unreachable: cannot reach 127.0.0.1: Connection refused\n');
});
