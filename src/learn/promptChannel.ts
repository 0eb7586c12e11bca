// The parent's end of the learner shell's FIFOs: read request lines, answer each one in order.
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { runSync } from '../exec/spawn.js';

export interface PromptChannel {
  close(): void;
}

/**
 * Creates `req` and `resp` in `dir` (private to the user) and serves them. The request FIFO is held
 * open read-write, so a shell's write never blocks and we never see end-of-file. A reply goes to a
 * shell that is waiting for it, else it is dropped (the learner pressed Ctrl-C meanwhile).
 */
export function openPromptChannel(dir: string, answer: (line: string) => Promise<string>): PromptChannel {
  const req = join(dir, 'req');
  const resp = join(dir, 'resp');
  // Node has no mkfifo.
  const made = runSync('mkfifo', ['-m', '600', req, resp]);
  if (made.exitCode !== 0) throw new Error(`mkfifo failed: ${made.error ?? made.stderr.trim()}`);
  const fd = openSync(req, constants.O_RDWR | constants.O_NONBLOCK);
  const socket = new net.Socket({ fd, readable: true, writable: false });
  socket.setEncoding('utf8');
  let buffered = '';
  let queue = Promise.resolve();

  const reply = (text: string): void => {
    let probe: number | null = null;
    try {
      // Non-blocking first: it fails at once when no shell is reading. Then blocking, so a long
      // reply waits for the reader instead of failing with EAGAIN.
      probe = openSync(resp, constants.O_WRONLY | constants.O_NONBLOCK);
      const out = openSync(resp, 'w');
      try {
        writeSync(out, text);
      } finally {
        closeSync(out);
      }
    } catch {
      /* no shell reading (ENXIO), or it stopped reading (EPIPE): nothing to deliver to */
    } finally {
      if (probe !== null) closeSync(probe);
    }
  };

  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      // One at a time, in order; `answer` reports its own errors in its reply, a throw only skips this one.
      queue = queue.then(async () => reply(await answer(line))).catch(() => undefined);
    }
  });
  socket.on('error', () => undefined);
  return {
    close() {
      socket.destroy();
    },
  };
}
