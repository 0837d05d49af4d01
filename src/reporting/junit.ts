/**
 * JUnit XML files read as streams (saxes): totals, and the failed cases to show.
 */
import * as fs from 'node:fs';
import { SaxesParser } from 'saxes';
import {
  MAX_FAILURES_KEPT,
  MAX_MESSAGE_CHARS,
  emptySummary,
  type TestCase,
  type TestSummary
} from '../core/test-summary.js';

/** A file that is not a readable JUnit report; the message names what is wrong, not the file. */
export class JUnitError extends Error {}

/**
 * Reads one JUnit XML file as a stream (saxes, the parser jsdom uses), so that a report of any
 * size takes flat memory. Understands `<testsuites>`, nested `<testsuite>`, and `<testcase>`
 * with `<failure>`, `<error>` or `<skipped>`; `file` and `line` come from the case, else from
 * its suite. saxes expands no external entities and fetches nothing.
 */
export async function readJUnit(file: string): Promise<TestSummary> {
  const summary = emptySummary();
  const parser = new SaxesParser({ position: true });
  const suites: { name: string; file?: string }[] = [];
  let root: string | undefined;
  let current: (TestCase & { text: string[]; chars: number }) | undefined;
  /** Inside the <failure>/<error> whose text is the message's details. */
  let inFailure = false;
  let failure: Error | undefined;

  parser.on('error', (err) => {
    failure ??= new JUnitError(err.message);
  });
  parser.on('opentag', (tag) => {
    const a = tag.attributes as Record<string, string>;
    if (root === undefined) {
      root = tag.name;
      if (root !== 'testsuites' && root !== 'testsuite')
        failure ??= new JUnitError(`its root element is <${root}>, not <testsuites> or <testsuite>`);
    }
    switch (tag.name) {
      case 'testsuite':
        suites.push({ name: a.name ?? '', file: a.file || a.filepath || suites.at(-1)?.file });
        break;
      case 'testcase': {
        const suite = suites.at(-1);
        const line = Number(a.line ?? a.lineno);
        current = {
          suite: suite?.name || a.classname || '',
          name: a.name ?? '',
          file: a.file || a.filepath || suite?.file || undefined,
          line: Number.isInteger(line) && line > 0 ? line : undefined,
          status: 'passed',
          time: seconds(a.time),
          text: [],
          chars: 0
        };
        break;
      }
      case 'failure':
      case 'error':
        if (!current || current.status === 'failed' || current.status === 'error') break;
        current.status = tag.name === 'failure' ? 'failed' : 'error';
        inFailure = true;
        if (a.message) add(a.message);
        break;
      case 'skipped':
        if (current && current.status === 'passed') current.status = 'skipped';
        break;
    }
  });
  const onText = (text: string): void => {
    if (inFailure && text.trim()) add(text);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    if (tag.name === 'failure' || tag.name === 'error') inFailure = false;
    else if (tag.name === 'testsuite') suites.pop();
    else if (tag.name === 'testcase' && current) {
      const { text, chars: _chars, ...c } = current;
      count(summary, c, text.join('\n').trim());
      current = undefined;
    }
  });

  function add(text: string): void {
    if (!current || current.chars >= MAX_MESSAGE_CHARS) return;
    const piece = text.trim().slice(0, MAX_MESSAGE_CHARS - current.chars);
    // The message attribute is often the body's first line: say it once.
    if (current.text.length === 1 && piece.startsWith(current.text[0])) {
      current.text[0] = piece;
      current.chars = piece.length;
      return;
    }
    current.text.push(piece);
    current.chars += piece.length;
  }

  const stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      parser.write(chunk);
      if (failure) break;
    }
    if (!failure) parser.close();
  } finally {
    stream.destroy();
  }
  if (failure) throw failure;
  summary.time = Math.round(summary.time * 1000) / 1000;
  return summary;
}

function count(summary: TestSummary, c: TestCase, message: string): void {
  summary.total++;
  summary.time += c.time ?? 0;
  if (c.status === 'passed') summary.passed++;
  else if (c.status === 'skipped') summary.skipped++;
  else {
    if (c.status === 'failed') summary.failed++;
    else summary.errors++;
    if (summary.failures.length < MAX_FAILURES_KEPT)
      summary.failures.push({ ...c, message: message || undefined });
  }
}

function seconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // Some reporters write `1,234.5`.
  const n = Number(value.replace(/,/g, ''));
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
