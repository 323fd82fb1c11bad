/*
 * Puts a benchmark run into docs/benchmarks.md between two markers, replacing the run that
 * was there; without markers yet, the run goes before the file's first "## " heading.
 * Everything else in the file is left as it was.
 * Usage: node scripts/splice-latest-bench.cjs <benchmarks.md> <latest.md>
 */
const fs = require('node:fs');

const [target, latestFile] = process.argv.slice(2);
const START = '<!-- yarn bench: latest run, start -->';
const END = '<!-- yarn bench: latest run, end -->';

const doc = fs.readFileSync(target, 'utf8');
const block = `${START}\n\n${fs
  .readFileSync(latestFile, 'utf8')
  .trim()}\n\n${END}\n`;
const start = doc.indexOf(START);
const end = doc.indexOf(END);
let out;
if (start !== -1 && end > start) {
  out =
    doc.slice(0, start) +
    block +
    doc.slice(end + END.length).replace(/^\n/, '');
} else {
  const firstSection = doc.search(/^## /m);
  if (firstSection === -1)
    throw new Error(`${target} has no "## " section to put the run before`);
  out = `${doc.slice(0, firstSection)}${block}\n${doc.slice(firstSection)}`;
}
fs.writeFileSync(target, out);
