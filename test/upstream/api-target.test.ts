import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { apiTarget } from '../../src/upstream/monkeycode/options.js';
import { fuzzRuns } from '../fuzz/fuzz-runs.js';

// What the target was before it was built from strings: the parsed URL's origin, path and query.
function parsed(
  base: string,
  path: string,
  query: Record<string, string>,
): { origin: string; path: string; href: string } {
  const url = new URL(base);
  const href = `${url.origin}${url.pathname.replace(/\/+$/, '')}${path}`;
  const search = new URLSearchParams(query).toString();
  const full = new URL(search === '' ? href : `${href}?${search}`);
  return { origin: full.origin, path: `${full.pathname}${full.search}`, href: full.href };
}

test('an API target reads the same as the URL parser would make it, for plain and unusual paths', () => {
  const segment = fc.oneof(
    fc.stringMatching(/^[\w-]{1,12}$/),
    fc.constantFrom('.', '..', '%2e', 'a b', 'ü', 'x?y', 'x#y', ''),
    fc.string({ maxLength: 6 }),
  );
  const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`);
  const base = fc.constantFrom(
    'http://127.0.0.1:8080',
    'https://Example.COM:443/',
    'http://h/prefix//',
    'http://h/p',
  );
  const query = fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), fc.string({ maxLength: 6 }), { maxKeys: 2 });
  fc.assert(
    fc.property(base, path, query, (b, p, q) => {
      assert.deepEqual(apiTarget({ baseUrl: new URL(b) }, p, q), parsed(b, p, q));
    }),
    fuzzRuns(400),
  );
});

test('undefined query values are left out', () => {
  const target = apiTarget({ baseUrl: new URL('http://h:1') }, '/api/v1/users/tasks', {
    page: 1,
    status: undefined,
  });
  assert.equal(target.href, 'http://h:1/api/v1/users/tasks?page=1');
});
