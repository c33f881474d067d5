/** `npx tsx bench/profile/print-profile.ts FILE.cpuprofile [N]`: top self-time functions and areas. */
import { summarizeProfile, type SelfTime } from './summarize-profile.js';

function table(title: string, rows: SelfTime[]): string {
  const lines = rows.map((row) => `| ${row.selfMs} | ${row.percent} % | \`${row.name}\` |`);
  return [`### ${title}`, '', '| self ms | share | function |', '|---:|---:|---|', ...lines, ''].join('\n');
}

const [file, n] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: tsx bench/profile/print-profile.ts FILE.cpuprofile [N]\n');
  process.exit(2);
}
const summary = summarizeProfile(file, null, Number(n ?? 30));
process.stdout.write(
  `busy ${summary.busyMs} ms\n\n${table('charged to the nearest relaypool file', summary.byOwner)}\n${table('by area (self)', summary.byArea)}\n${table('top functions (self)', summary.topFunctions)}\n${table('relaypool functions (inclusive)', summary.relaypoolInclusive)}`,
);
