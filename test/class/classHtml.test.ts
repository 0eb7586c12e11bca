// The page's structure and escaping; test/integration/classGrade.test.ts opens it in a real browser.
import t from 'tap';
import { htmlClass } from '../../src/class/classHtml.js';
import { smallClass } from '../helpers/classResults.js';

const page = htmlClass(smallClass(), new Date('2026-01-02T03:04:05Z'));

t.test('the page stands alone: no script, no stylesheet, font or image fetched, no link out', async (t) => {
  t.notMatch(page, /<script|<link|<img|<iframe|@import|url\(|src=|https?:\/\//i);
  t.match(page, /^<!doctype html>/);
  t.match(page, /<meta charset="utf-8">/);
});

t.test('a row per student carries its numbers, also as data- attributes', async (t) => {
  t.match(page, /<tr data-student="alice" data-earned="2" data-possible="2" data-percent="100" data-status="passed">/);
  t.match(
    page,
    /<tr data-student="erin" data-earned="0" data-possible="2" data-percent="0" data-status="unreachable">/,
  );
  t.match(page, /<dd data-key="students">3<\/dd>/);
  t.match(page, /<dd data-key="meanPercent">50%<\/dd>/);
  t.match(page, /Graded by tsnet-learn on 2026-01-02 03:04 UTC/);
});

t.test("each student's section has the checks, the root cause and the hints", async (t) => {
  t.match(page, /<section class="student" id="student-1"/);
  t.match(page, /First broken link:<\/strong> lesson-7 step 2: check lesson-7:2\.1: missing/);
  t.match(page, /<code>fix lesson-7:2\.1 &lt;now&gt;<\/code>/);
  t.match(page, /Could not be graded:<\/strong> cannot reach 127\.0\.0\.1/);
  t.match(page, /<tr data-check="lesson-7:2\.2" data-status="skipped">/);
});

t.test('names and texts are escaped: a student cannot inject markup', async (t) => {
  t.notMatch(page, /<b>bob<\/b>/);
  t.match(page, /=1\+1 &lt;b&gt;bob&lt;\/b&gt;, &quot;the&quot;/);
  t.match(page, /<h3>lesson-7: Publish &quot;a&quot; port/);
});
