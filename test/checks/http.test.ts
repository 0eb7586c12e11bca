import { readFileSync } from 'node:fs';
import t from 'tap';
import { playback, probe } from '../helpers/probeEnv.js';
import { looksLikeHtml, splitCurlOutput } from '../../checks/http.js';
import { checkKinds, parseCheckLine } from '../../checks/index.js';
import { syntaxError } from '../helpers/snapshot.js';

// Bodies served by `python3 -m http.server` (Python 3.11) from the lab's empty directory.
const listing = readFileSync(new URL('../fixtures/http/http-server-listing.html', import.meta.url), 'utf8');
const notFound = readFileSync(new URL('../fixtures/http/http-server-404.html', import.meta.url), 'utf8');
// What curl 7.88 prints (stderr merged) when nothing listens: the error, then `-w '\n%{http_code}'`.
const refused = "curl: (7) Failed to connect to 172.16.0.2 port 5000 after 0 ms: Couldn't connect to server\n\n000";

t.test('splitCurlOutput takes the last line as the status and the rest as the body', async (t) => {
  t.strictSame(splitCurlOutput(`${listing}\n200`), { body: listing, status: 200 });
  t.strictSame(splitCurlOutput('hello\n\n404'), { body: 'hello\n', status: 404 });
  t.strictSame(splitCurlOutput('\n200'), { body: '', status: 200 });
});

t.test('splitCurlOutput gives status 0 for curl errors and for output without a status', async (t) => {
  t.strictSame(splitCurlOutput(refused), { body: refused.slice(0, refused.lastIndexOf('\n')), status: 0 });
  t.strictSame(splitCurlOutput('000'), { body: '', status: 0 });
  t.strictSame(splitCurlOutput(''), { body: '', status: 0 });
  t.strictSame(splitCurlOutput('body\nnot a number'), { body: 'body', status: 0 });
});

t.test('looksLikeHtml knows a doctype or an html element, in any case', async (t) => {
  t.equal(looksLikeHtml(listing), true);
  t.equal(looksLikeHtml(notFound), true);
  t.equal(looksLikeHtml('<!doctype html><p>x'), true);
  t.equal(looksLikeHtml('<HTML>\n</HTML>'), true);
  t.equal(looksLikeHtml('hello world\n'), false);
  t.equal(looksLikeHtml('{"html": true}'), false);
  t.equal(looksLikeHtml('<htmlish>'), false);
});

t.test('a directory listing with status 200 passes, with its size and title', async (t) => {
  const env = playback([{ exitCode: 0, output: `${listing}\n200` }]);
  t.strictSame(await probe('http http://172.16.0.2:5000/ from=outside html', env), {
    ok: true,
    message: `status 200, ${listing.length} bytes: "Directory listing for /"`,
    passes: true,
  });
  t.strictSame(env.calls, [
    { line: "curl -sS --connect-timeout 2 -m 5 -w '\\n%{http_code}' http://172.16.0.2:5000/ 2>&1", ns: 'outside' },
  ]);
  t.strictSame(env.asked, ['172.16.0.2 from outside']);
});

t.test('contains= passes when the body has the text and fails when it lacks it', async (t) => {
  t.equal(
    (
      await probe(
        'http http://172.18.0.10:5000/ contains="Directory listing"',
        playback([{ exitCode: 0, output: `${listing}\n200` }]),
      )
    ).ok,
    true,
  );
  t.strictSame(
    await probe('http http://172.18.0.10:5000/ contains=hello', playback([{ exitCode: 0, output: `${listing}\n200` }])),
    {
      ok: false,
      message: 'status 200, but the body lacks "hello"',
      passes: false,
    },
  );
});

t.test('another status than the expected one fails', async (t) => {
  t.strictSame(
    await probe('http http://172.18.0.10:5000/missing', playback([{ exitCode: 0, output: `${notFound}\n404` }])),
    {
      ok: false,
      message: 'status 404, expected 200',
      passes: false,
    },
  );
  t.strictSame(
    await probe(
      'http http://172.18.0.10:5000/missing status=404',
      playback([{ exitCode: 0, output: `${notFound}\n404` }]),
    ),
    {
      ok: true,
      message: `status 404, ${notFound.length} bytes: "Error response"`,
      passes: true,
    },
  );
});

t.test('html fails on a body that is not HTML', async (t) => {
  t.strictSame(await probe('http http://172.18.0.10:5000/ html', playback([{ exitCode: 0, output: 'hello\n\n200' }])), {
    ok: false,
    message: 'status 200, but the body is not HTML: "hello\\n"',
    passes: false,
  });
  t.strictSame(await probe('http http://172.18.0.10:5000/', playback([{ exitCode: 0, output: 'hello\n\n200' }])), {
    ok: true,
    message: 'status 200, 6 bytes',
    passes: true,
  });
});

t.test("a connection failure reports curl's own error line", async (t) => {
  t.strictSame(await probe('http http://172.16.0.2:5000/ from=outside', playback([{ exitCode: 7, output: refused }])), {
    ok: false,
    message: "curl: (7) Failed to connect to 172.16.0.2 port 5000 after 0 ms: Couldn't connect to server",
    passes: false,
  });
});

t.test('a failure without a curl: line reports the exit code', async (t) => {
  t.strictSame(
    await probe(
      'http http://172.16.0.2:5000/',
      playback([{ exitCode: 127, output: 'bash: curl: command not found\n000' }]),
    ),
    {
      ok: false,
      message: 'curl exited 127',
      passes: false,
    },
  );
});

t.test('fails passes when curl cannot connect, after a single attempt', async (t) => {
  const env = playback([{ exitCode: 7, output: refused }]);
  t.equal((await probe('http http://172.16.0.2:5000/ fails', env)).passes, true);
  t.equal(env.calls.length, 1);
  t.equal(
    (await probe('http http://172.16.0.2:5000/ fails', playback([{ exitCode: 0, output: `${listing}\n200` }]))).passes,
    false,
  );
});

t.test('a silent fails path gets 0.5 s to connect where nobody answers ARP by proxy, 2 s where one may', async (t) => {
  const quick = playback([{ exitCode: 28, output: 'curl: (28) Connection timed out after 501 milliseconds\n000' }]);
  t.equal((await probe('http http://10.61.1.2:8080/ fails', quick)).passes, true);
  t.match(quick.calls[0]!.line, /^curl -sS --connect-timeout 0\.5 -m 5 /);
  const late = playback([{ exitCode: 7, output: refused }], null, [], ['lan in router: proxy ARP on']);
  await probe('http http://10.61.1.2:8080/ fails', late);
  t.match(late.calls[0]!.line, /^curl -sS --connect-timeout 2 -m 5 /);
  const positive = playback([{ exitCode: 7, output: refused }]);
  await probe('http http://10.61.1.2:8080/', positive);
  t.match(positive.calls[0]!.line, /^curl -sS --connect-timeout 2 -m 5 /, 'a claim that it answers may wait longer');
});

t.test('a refused destination is skipped without running curl', async (t) => {
  const why = 'host has no outside world to send from; run it in a lab to test this';
  const env = playback([], why);
  t.strictSame(await probe('http http://203.0.113.1/ from=outside', env), {
    ok: false,
    message: why,
    skip: why,
    passes: false,
  });
  t.strictSame(env.calls, []);
  t.strictSame(env.asked, ['203.0.113.1 from outside']);
});

// The URL is pasted between single quotes in the curl command without escaping.
t.test('a URL with a single quote is passed to curl as one word', async (t) => {
  const env = playback([{ exitCode: 0, output: 'x\n200' }]);
  await probe("http http://172.18.0.10:5000/it's", env);
  t.equal(
    env.calls[0]?.line,
    "curl -sS --connect-timeout 2 -m 5 -w '\\n%{http_code}' 'http://172.18.0.10:5000/it'\\''s' 2>&1",
  );
});

t.test('the parsed arguments, title and needs', async (t) => {
  const parsed = parseCheckLine(
    'http http://172.16.0.2:5000/ from=outside status=200 html contains="Directory listing"',
  )!;
  t.strictSame(parsed.args, {
    url: 'http://172.16.0.2:5000/',
    host: '172.16.0.2',
    from: 'outside',
    status: 200,
    html: true,
    contains: 'Directory listing',
    fails: false,
  });
  t.equal(parsed.title, 'GET http://172.16.0.2:5000/ from the outside world returns 200 with HTML');
  t.equal(
    parseCheckLine('http http://172.18.0.10:5000/ fails')!.title,
    'GET http://172.18.0.10:5000/ from the host does not answer',
  );
  t.strictSame(checkKinds.http!.needs(parsed.args), [{ ns: 'outside', part: 'links' }]);
});

t.test('a non-http URL, a bad status or a leftover word is a syntax error', async (t) => {
  t.strictSame(syntaxError('http ftp://172.16.0.2/'), {
    message: 'Unexpected `ftp://172.16.0.2/`, expected an http:// URL',
    offset: 5,
  });
  t.strictSame(syntaxError('http 172.16.0.2:5000'), {
    message: 'Unexpected `172.16.0.2:5000`, expected an http:// URL',
    offset: 5,
  });
  t.strictSame(syntaxError('http http://x/ status=99'), {
    message: 'Unexpected status `99`, expected an HTTP status such as 200',
    offset: 22,
  });
  t.strictSame(syntaxError('http http://x/ status=600'), {
    message: 'Unexpected status `600`, expected an HTTP status such as 200',
    offset: 22,
  });
  t.strictSame(syntaxError('http http://x/ twice'), {
    message: 'Unexpected `twice`, expected from=, status=, html, contains= or fails',
    offset: 15,
  });
  t.strictSame(syntaxError('http html'), {
    message:
      'Unexpected end of line, expected a URL such as http://172.16.0.2:5000/ (usage: http URL [from=NS] [status=N] [html] [contains=TEXT] [fails])',
    offset: 9,
  });
});
