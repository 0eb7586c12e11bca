import t from 'tap';
import { shellLineFor } from '../../src/lesson/shellLineFor.js';
import { commandOf } from '../helpers/lessonOf.js';

t.test('a host command is sent as the lesson writes it', async (t) => {
  t.equal(shellLineFor(commandOf('ip link add br0 type bridge')), 'ip link add br0 type bridge');
});

t.test("a command inside a context runs through the context's opener, quoted once", async (t) => {
  t.equal(
    shellLineFor(commandOf("echo 'it''s' > /tmp/x", 'netns0')),
    `nsenter --net=/run/netns/netns0 bash -c 'echo '\\''it'\\'''\\''s'\\'' > /tmp/x'`,
  );
});
