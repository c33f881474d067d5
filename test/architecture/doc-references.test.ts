import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Every `docs/<file>.md §N` in the code names a document in the repository and a section it has,
// so a reader can follow the reference (and a renumbered document fails here, not in a review).
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return codeFiles(path);
    return /\.(ts|tsx|mjs|js)$/.test(entry.name) ? [path] : [];
  });
}

/** Section numbers a document defines: headings (`## 5.`, `### 5.7 …`) and bold items (`**8.9**`). */
function sectionsOf(text: string): Set<string> {
  const found = new Set<string>();
  for (const match of text.matchAll(/^#+\s+§?(\d+(?:\.\d+)*)\.?\s/gm)) found.add(match[1]!);
  for (const match of text.matchAll(/\*\*§?(\d+(?:\.\d+)+)\*\*/g)) found.add(match[1]!);
  return found;
}

test('every docs/… § reference in the code names an existing document and section', () => {
  const sections = new Map<string, Set<string>>();
  const broken: string[] = [];
  const files = ['src', 'test', 'bench', 'scripts'].flatMap((dir) => codeFiles(join(root, dir)));
  const reference = /(docs\/[\w/.-]+\.md)((?:\s*(?:,|–|\/|and|or)?\s*§\s?\d+(?:\.\d+)*)+)/g;
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(reference)) {
      const doc = match[1]!;
      if (!sections.has(doc)) {
        const path = join(root, doc);
        sections.set(doc, existsSync(path) ? sectionsOf(readFileSync(path, 'utf8')) : new Set());
      }
      for (const section of match[2]!.matchAll(/§\s?(\d+(?:\.\d+)*)/g)) {
        if (!sections.get(doc)!.has(section[1]!))
          broken.push(`${file.slice(root.length + 1)}: ${doc} §${section[1]}`);
      }
    }
  }
  assert.deepEqual([...new Set(broken)], []);
});
