#!/usr/bin/env node
/*
 * Performs the steps of docs/install.md in a Backstage app, taken from the page itself: each
 * fenced block preceded by an `<!-- install-test: … -->` comment is one step, done in the
 * order of the page. What the page says is what runs; a step that cannot be scripted from
 * the page fails here, not in an adopter's hands.
 *
 *   <!-- install-test: run -->                          the sh block, in the app's root
 *   <!-- install-test: insert <file> before <line> -->  the block, inserted before that line
 *   <!-- install-test: merge <file> -->                 the YAML block, merged into the file
 *   <!-- install-test: check -->                        an sh block run once the app is up
 *
 * usage: follow-doc.js <install.md> <app folder> install|check
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const [page, app, phase] = process.argv.slice(2);

function steps(markdown) {
  const found = [];
  const pattern =
    /^<!-- install-test: (\w+)(?: (.*?))? -->\s*\n\s*```(\w+)\n([\s\S]*?)\n```/gm;
  for (const m of markdown.matchAll(pattern)) {
    found.push({ action: m[1], args: m[2] ?? '', language: m[3], body: m[4] });
  }
  const marks = (markdown.match(/^<!-- install-test:/gm) ?? []).length;
  if (marks !== found.length) {
    throw new Error(
      `${page}: ${marks} install-test marks but ${found.length} are followed by a code block`,
    );
  }
  return found;
}

function run(body) {
  console.log(`$ ${body.split('\n').join('\n  ')}`);
  execFileSync('bash', ['-euo', 'pipefail', '-c', body], {
    cwd: app,
    stdio: 'inherit',
  });
}

function insert(args, body) {
  const m = /^(\S+) before (.+)$/.exec(args);
  if (!m) throw new Error(`insert: cannot read "${args}"`);
  const [, file, anchor] = m;
  const target = path.join(app, file);
  const lines = fs.readFileSync(target, 'utf8').split('\n');
  const at = lines.findIndex(line => line.trim() === anchor.trim());
  if (at < 0) throw new Error(`insert: ${file} has no line "${anchor}"`);
  lines.splice(at, 0, ...body.split('\n'), '');
  fs.writeFileSync(target, lines.join('\n'));
  console.log(`inserted ${body.split('\n').length} lines into ${file}`);
}

/** Merges like a person would: new keys are added, maps are merged, the rest is replaced; comments stay. */
function mergeInto(doc, keys, value) {
  const existing = keys.length ? doc.getIn(keys, true) : doc.contents;
  if (
    value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    YAML.isMap(existing)
  ) {
    for (const [key, child] of Object.entries(value))
      mergeInto(doc, [...keys, key], child);
  } else {
    doc.setIn(keys, doc.createNode(value));
  }
}

function merge(args, body) {
  const target = path.join(app, args.trim());
  const doc = YAML.parseDocument(fs.readFileSync(target, 'utf8'));
  mergeInto(doc, [], YAML.parse(body));
  fs.writeFileSync(target, doc.toString());
  console.log(`merged into ${args.trim()}:\n${body}`);
}

const all = steps(fs.readFileSync(page, 'utf8'));
const mine = all.filter(s => (phase === 'check') === (s.action === 'check'));
for (const step of mine) {
  console.log(`\n== docs/install.md: ${step.action} ${step.args}`.trimEnd());
  if (step.action === 'run' || step.action === 'check') run(step.body);
  else if (step.action === 'insert') insert(step.args, step.body);
  else if (step.action === 'merge') merge(step.args, step.body);
  else throw new Error(`unknown install-test action ${step.action}`);
}
console.log(`\n${mine.length} step(s) of ${page} done (${phase})`);
