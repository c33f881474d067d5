import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsvRecords, parseImportFile } from '../../src/pool/account-import.js';

test('JSONL: one object per line, blank lines skipped, errors name the line', () => {
  const lines = parseImportFile(
    '{"cookie":"abc"}\n\n{"email":"a@b.c","password":"p w","label":"L","max_concurrency":"4"}\n[1]\n{"cookie":"x","email":"a@b.c"}\n',
    'x.jsonl',
  );
  assert.deepEqual(lines, [
    {
      line: 1,
      row: {
        cookie: 'abc',
        email: undefined,
        password: undefined,
        label: undefined,
        maxConcurrency: undefined,
      },
    },
    { line: 3, row: { cookie: undefined, email: 'a@b.c', password: 'p w', label: 'L', maxConcurrency: 4 } },
    { line: 4, error: 'expected an object with cookie or email/password' },
    { line: 5, error: 'give either `cookie` or `email` + `password`' },
  ]);
});

test('CSV: header row, quoted cells with commas, quotes and newlines, empty cells ignored', () => {
  const source =
    'Email,Password,label,max_concurrency,cookie\r\n"a@b.c","pa,ss""word",,2,\nx@y.z,pw,"two\nlines",,\n,,,,"monkeycode_ai_session=abc; other=1"\n';
  const lines = parseImportFile(source, 'rows.csv');
  assert.deepEqual(lines, [
    {
      line: 2,
      row: { cookie: undefined, email: 'a@b.c', password: 'pa,ss"word', label: undefined, maxConcurrency: 2 },
    },
    {
      line: 3,
      row: {
        cookie: undefined,
        email: 'x@y.z',
        password: 'pw',
        label: 'two\nlines',
        maxConcurrency: undefined,
      },
    },
    {
      line: 5,
      row: {
        cookie: 'monkeycode_ai_session=abc; other=1',
        email: undefined,
        password: undefined,
        label: undefined,
        maxConcurrency: undefined,
      },
    },
  ]);
});

test('the format follows the file name, else the first character; a bad limit is named', () => {
  assert.equal(parseImportFile('{"cookie":"a"}', 'rows.txt').length, 1);
  assert.deepEqual(parseImportFile('cookie,max_concurrency\nabc,0\n', 'rows.txt'), [
    { line: 2, error: 'max_concurrency: expected an integer 1-64' },
  ]);
  assert.deepEqual(parseImportFile('\uFEFFcookie\nabc\n'), [
    {
      line: 2,
      row: {
        cookie: 'abc',
        email: undefined,
        password: undefined,
        label: undefined,
        maxConcurrency: undefined,
      },
    },
  ]);
  assert.deepEqual(parseCsvRecords('a,b\n\n1,2'), [
    { line: 1, cells: ['a', 'b'] },
    { line: 3, cells: ['1', '2'] },
  ]);
});
