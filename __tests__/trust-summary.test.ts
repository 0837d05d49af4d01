/**
 * Issue 20, finding 8: remote names, messages and URLs in the job summary are text. For any remote
 * string in every place the summary shows one, the Markdown rendered (markdown-it, CommonMark with
 * GitHub's tables, raw HTML allowed as GitHub allows it, bare links linkified) holds no HTML tag but
 * ci-relay's own `<br>`, no image, no link but http(s), the text reads back as given, and every
 * table row keeps its cells.
 */
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { link, summaryMarkdown, text } from '../src/reporting/summary.js';
import type { Result } from '../src/core/result.js';

const md = new MarkdownIt({ html: true, linkify: true });
type Token = ReturnType<typeof md.parse>[number];
const RUNS = Number(process.env.FC_RUNS ?? 300);

const NASTY = [
  '<img src=x onerror=alert(1)>',
  '<details><summary>x</summary>',
  '</td></tr></table>',
  '[click](javascript:alert(1))',
  '![i](http://evil/x.png)',
  '<javascript:alert(1)>',
  '<http://evil>',
  'javascript:alert(1)',
  'data:text/html,<b>x</b>',
  'www.evil.com',
  '|',
  '||',
  '\\',
  '`',
  '``',
  '*',
  '_',
  '~~',
  '#',
  '[',
  ']',
  '(',
  ')',
  '&',
  '&lt;',
  '&#60;',
  '&#x3C;',
  '<!--',
  '-->',
  '<',
  '>',
  '"',
  "'",
  ':',
  '::',
  '\n',
  '\r\n',
  '\u2028',
  ' ',
  'x',
  'http://a.b/',
  '[x]: http://evil',
  '<br>',
  '<script>',
  '<a href="javascript:x">',
  'a@b.co',
  'mailto:a@b.co',
  'xmpp:a@b.co',
  'ftp://e.com/x',
  'file:///etc/passwd',
  'e.com/x'
];
const remote = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...NASTY), { maxLength: 10 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) }
);
const url = fc.oneof(
  remote,
  fc.webUrl(),
  fc.constantFrom(
    'javascript:alert(1)',
    'JAVASCRIPT:x',
    'data:text/html,x',
    'vbscript:x',
    'http://a/(b)|c <d>',
    'https://x/y?z=1&w=<2>'
  )
);

function result(r: {
  id: string;
  runUrl: string;
  status: string;
  message: string;
  job: string;
  stage: string;
  jobUrl: string;
  suite: string;
  test: string;
  file: string;
  failure: string;
}): Result {
  return {
    system: 'GitLab',
    conclusion: 'failed',
    status: r.status,
    runId: r.id,
    runUrl: r.runUrl,
    jobs: [
      {
        name: r.job,
        id: '1',
        stage: r.stage,
        status: 'failed',
        conclusion: 'failed',
        url: r.jobUrl,
        duration: 3
      },
      { name: 'plain', id: '2', status: 'success', conclusion: 'success' }
    ],
    logFile: '',
    downloadDir: '',
    duration: 5,
    accepted: false,
    waited: true,
    message: r.message,
    tests: {
      total: 2,
      passed: 1,
      failed: 1,
      skipped: 0,
      errors: 0,
      time: 1,
      failures: [
        { suite: r.suite, name: r.test, file: r.file, line: 3, status: 'failed', message: r.failure }
      ]
    }
  } as Result;
}

const fields = fc.record({
  id: remote,
  runUrl: url,
  status: remote,
  message: remote,
  job: remote,
  stage: remote,
  jobUrl: url,
  suite: remote,
  test: remote,
  file: remote,
  failure: remote
});

/** Every token, depth first. */
function tokens(list: Token[]): Token[] {
  return list.flatMap((t) => [t, ...tokens(t.children ?? [])]);
}

/** What is wrong with the rendered summary: HTML, images, links that are not http(s). */
function problems(markdown: string): string[] {
  const out: string[] = [];
  for (const t of tokens(md.parse(markdown, {}))) {
    if (t.type === 'html_block') out.push(`html block ${t.content}`);
    if (t.type === 'html_inline' && t.content !== '<br>') out.push(`html ${t.content}`);
    if (t.type === 'image') out.push(`image ${t.attrGet('src')}`);
    if (t.type === 'link_open' && !/^https?:\/\//i.test(String(t.attrGet('href') ?? '')))
      out.push(`link ${t.attrGet('href')}`);
  }
  return out;
}

/** The text markdown-it renders for `s` escaped by `text`, as one paragraph. */
function rendered(s: string): string {
  const html = md.renderInline(text(s));
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

test('property: any remote string anywhere in the summary renders no HTML, image or non-http(s) link', () => {
  fc.assert(
    fc.property(fields, (f) => {
      const markdown = summaryMarkdown(result(f));
      expect(problems(markdown)).toEqual([]);
      // Tables keep their shape: each row of a table has that table's number of cells.
      const rows = tokens(md.parse(markdown, {})).filter(
        (t) => t.type === 'tr_open' || t.type === 'td_open' || t.type === 'th_open'
      );
      let cells = -1;
      const widths: number[] = [];
      for (const t of rows) {
        if (t.type === 'tr_open') {
          if (cells >= 0) widths.push(cells);
          cells = 0;
        } else cells++;
      }
      widths.push(cells);
      expect(new Set(widths.filter((w) => w !== 6 && w !== 5 && w !== 4)).size).toBe(0);
    }),
    { numRuns: RUNS }
  );
});

test('property: escaped text reads back as the remote wrote it (on one line)', () => {
  fc.assert(
    fc.property(remote, (s) => {
      const oneLine = s.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ');
      expect(rendered(s)).toBe(oneLine);
    }),
    { numRuns: RUNS }
  );
});

test.each([
  ['javascript:alert(1)'],
  ['data:text/html,<script>x</script>'],
  ['not a url'],
  ['//evil.example/x']
])('%s is shown as text, never a link of its own', (u) => {
  const out = link('open', u);
  expect(problems(out)).toEqual([]);
  // At most a bare host that a linkifier reads as http (markdown-it's fuzzy links; GitHub has none).
  for (const t of tokens(md.parse(out, {})).filter((t) => t.type === 'link_open'))
    expect(String(t.attrGet('href'))).toMatch(/^http:\/\/evil\.example/);
  expect(md.renderInline(out)).toContain('open (');
});

test('an http(s) URL is a link to itself, cells and parentheses kept', () => {
  const out = link('open', 'https://gitlab.example.com/g/p/-/jobs/1?a=(b)|c');
  const a = tokens(md.parse(`| ${out} |\n|---|\n`, {})).find((t) => t.type === 'link_open');
  expect(a?.attrGet('href')).toBe('https://gitlab.example.com/g/p/-/jobs/1?a=%28b%29%7Cc');
});

test('the examples of the review: <img>, <details>, a markdown javascript: link', () => {
  const markdown = summaryMarkdown(
    result({
      id: '1',
      runUrl: 'javascript:alert(document.cookie)',
      status: '<details open>',
      message: '<img src=x onerror=alert(1)>',
      job: '[build](javascript:alert(1))',
      stage: '<b>',
      jobUrl: 'https://gitlab.example.com/j/1',
      suite: '<details>',
      test: '![x](http://evil/x.png)',
      file: 'a|b',
      failure: '<script>alert(1)</script>'
    })
  );
  expect(problems(markdown)).toEqual([]);
  const html = md.render(markdown);
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(html).toContain('href="https://gitlab.example.com/j/1"');
  expect(html).not.toMatch(/href="javascript/i);
});
