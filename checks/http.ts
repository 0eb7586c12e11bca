// `http URL [from=NS] [status=N] [html] [contains=TEXT] [fails]`: a GET gets the expected answer.
import { CheckSyntaxError, readNamespace, type ArgReader } from './checkLine.js';
import { shellQuote } from '../src/core/shellQuote.js';
import { nsLabel } from '../src/snapshot/space.js';
import type { CheckKind, ProbeEnv, Verdict } from './types.js';

interface Args {
  url: string;
  host: string;
  from: string;
  status: number;
  html: boolean;
  contains: string | null;
  fails: boolean;
}

/** Splits curl output made with `-w '\n%{http_code}'` into body and status; curl errors give 000. */
export function splitCurlOutput(output: string): { body: string; status: number } {
  const stdout = output.trimEnd();
  const cut = stdout.lastIndexOf('\n');
  const code = Number(stdout.slice(cut + 1).trim());
  return { body: cut < 0 ? '' : stdout.slice(0, cut), status: Number.isFinite(code) ? code : 0 };
}

export function looksLikeHtml(body: string): boolean {
  return /<!doctype html|<html[\s>]/i.test(body);
}

export const http: CheckKind<Args> = {
  kind: 'http',
  usage: 'http URL [from=NS] [status=N] [html] [contains=TEXT] [fails]',
  parse(r: ArgReader) {
    const from = readNamespace(r, 'from');
    const statusTok = r.option('status');
    if (statusTok && !/^[1-5]\d\d$/.test(statusTok.text))
      throw new CheckSyntaxError(
        `Unexpected status \`${statusTok.text}\`, expected an HTTP status such as 200`,
        statusTok.offset,
      );
    const containsTok = r.option('contains');
    const html = r.flag('html');
    const fails = r.flag('fails');
    const t = r.positional('a URL such as http://172.16.0.2:5000/');
    let host: string;
    try {
      const u = new URL(t.text);
      if (u.protocol !== 'http:') throw new Error('not http');
      host = u.hostname;
    } catch {
      throw new CheckSyntaxError(`Unexpected \`${t.text}\`, expected an http:// URL`, t.offset);
    }
    r.done('from=, status=, html, contains= or fails');
    return {
      url: t.text,
      host,
      from,
      status: statusTok ? Number(statusTok.text) : 200,
      html,
      contains: containsTok?.text ?? null,
      fails,
    };
  },
  negated: (a) => a.fails,
  title: (a) =>
    `GET ${a.url} from ${nsLabel(a.from)} ${a.fails ? 'does not answer' : `returns ${a.status}${a.html ? ' with HTML' : ''}`}`,
  needs: (a) => [{ ns: a.from, part: 'links' }],
  contradicts: (earlier, later) =>
    earlier.from === later.from &&
    earlier.url === later.url &&
    (earlier.fails !== later.fails || (!later.fails && earlier.status !== later.status)),
  async probe(a, env: ProbeEnv): Promise<Verdict> {
    const refused = env.refuseTraffic(a.host, a.from);
    if (refused) return { ok: false, message: refused, skip: refused };
    // Connecting to an address on this machine takes under a millisecond, once the judge has waited for the
    // target's links to settle (for `fails`): 2 s covers a lost SYN's retransmission (1 s) and an ARP answer
    // a proxy delays. Where nothing may answer late, a silent `fails` path is given 0.5 s (ping.ts).
    const connect = a.fails && env.lateAnswers.length === 0 ? 0.5 : 2;
    const r = await env.exec(
      `curl -sS --connect-timeout ${connect} -m 5 -w '\\n%{http_code}' ${shellQuote(a.url)} 2>&1`,
      a.from,
    );
    const { body, status } = splitCurlOutput(r.output);
    if (r.exitCode !== 0 || status === 0) {
      const err = r.output.split('\n').find((l) => l.startsWith('curl:')) ?? `curl exited ${r.exitCode}`;
      return { ok: false, message: err.trim() };
    }
    if (status !== a.status) return { ok: false, message: `status ${status}, expected ${a.status}` };
    if (a.html && !looksLikeHtml(body))
      return { ok: false, message: `status ${status}, but the body is not HTML: ${JSON.stringify(body.slice(0, 60))}` };
    if (a.contains && !body.includes(a.contains))
      return { ok: false, message: `status ${status}, but the body lacks ${JSON.stringify(a.contains)}` };
    const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
    return { ok: true, message: `status ${status}, ${body.length} bytes${title ? `: "${title.trim()}"` : ''}` };
  },
};
