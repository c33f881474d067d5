/**
 * `npx tsx bench/profile/diff-heap.ts IDLE.heapsnapshot OPEN.heapsnapshot [PER] [N]`: what the
 * second snapshot holds that the first does not, by constructor (strings, code and V8 internals
 * lumped by kind), divided by PER (e.g. the number of open streams). The snapshots come from
 * `npm run bench -- --only memory --heap-snapshot`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const snapshotSchema = z.object({
  snapshot: z.object({
    meta: z.object({ node_fields: z.array(z.string()), node_types: z.array(z.unknown()) }),
  }),
  nodes: z.array(z.number()),
  strings: z.array(z.string()),
});

/** Constructor (or kind) → [count, self bytes]. */
function tally(file: string): Map<string, [number, number]> {
  const heap = snapshotSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const fields = heap.snapshot.meta.node_fields;
  const types = z.array(z.string()).parse(heap.snapshot.meta.node_types[0]);
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map<string, [number, number]>();
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const type = types[heap.nodes[i + (typeAt ?? 0)] ?? 0] ?? '?';
    const name = heap.strings[heap.nodes[i + (nameAt ?? 1)] ?? 0] ?? '?';
    const key = type.includes('string')
      ? '(string)'
      : type === 'object'
        ? name
        : `(${type}) ${name.slice(0, 60)}`;
    const entry = out.get(key) ?? [0, 0];
    entry[0] += 1;
    entry[1] += heap.nodes[i + (sizeAt ?? 2)] ?? 0;
    out.set(key, entry);
  }
  return out;
}

const [before, after, perArg, topArg] = process.argv.slice(2);
if (before === undefined || after === undefined)
  throw new Error('usage: diff-heap.ts BEFORE AFTER [PER] [N]');
const per = Number(perArg ?? 1);
const a = tally(before);
const rows = [...tally(after)].map(([key, [count, bytes]]) => {
  const [count0, bytes0] = a.get(key) ?? [0, 0];
  return { key, count: (count - count0) / per, bytes: (bytes - bytes0) / per };
});
rows.sort((x, y) => y.bytes - x.bytes);
const total = rows.reduce((sum, row) => sum + row.bytes, 0);
process.stdout.write(
  `${(total / 1024).toFixed(1)} KB per unit\n\n| bytes | count | constructor |\n|---:|---:|---|\n`,
);
for (const row of rows.slice(0, Number(topArg ?? 40))) {
  process.stdout.write(`| ${row.bytes.toFixed(0)} | ${row.count.toFixed(2)} | \`${row.key}\` |\n`);
}
