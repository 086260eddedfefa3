// Checks `meshmend analyze --format github` against GitHub's own code:
// each line is parsed the way the Actions runner parses a workflow command
// (actions/runner ActionCommand.TryParse: `::name k=v,k=v::data`, then
// `_escapePropertyMappings` / `_escapeDataMappings` undone in order), and the
// parsed annotation is re-issued with `@actions/core` (the toolkit every
// JavaScript action uses); the two lines must be byte-identical. The parsed
// properties must also name the file, line and rule of the JSON report.
//
// Usage: node github-annotations.mjs GITHUB_OUTPUT JSON_REPORT
import { readFileSync } from 'node:fs';
import * as core from '@actions/core';

const [githubFile, jsonFile] = process.argv.slice(2);
const lines = readFileSync(githubFile, 'utf8').split('\n').filter((l) => l.length > 0);
const report = JSON.parse(readFileSync(jsonFile, 'utf8'));

const unescape = (value, mappings) =>
  mappings.reduce((s, [token, replacement]) => s.split(replacement).join(token), value);
const dataMappings = [['\r', '%0D'], ['\n', '%0A'], ['%', '%25']];
const propertyMappings = [['\r', '%0D'], ['\n', '%0A'], [':', '%3A'], [',', '%2C'], ['%', '%25']];

/** The runner's parser (ActionCommand.TryParse), for `::` commands. */
function parse(line) {
  if (!line.startsWith('::')) return null;
  const end = line.indexOf('::', 2);
  if (end < 0) return null;
  const head = line.slice(2, end);
  const data = line.slice(end + 2);
  const space = head.indexOf(' ');
  const name = space < 0 ? head : head.slice(0, space);
  const properties = {};
  if (space >= 0) {
    for (const pair of head.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`malformed property \`${pair}\` in ${line}`);
      properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1), propertyMappings);
    }
  }
  return { name, properties, message: unescape(data, dataMappings) };
}

/** What @actions/core prints for the same annotation. */
function reissue({ name, properties: p, message }) {
  const chunks = [];
  const write = process.stdout.write;
  process.stdout.write = (chunk) => { chunks.push(String(chunk)); return true; };
  try {
    const number = (v) => (v === undefined ? undefined : Number(v));
    core[name](message, {
      title: p.title,
      file: p.file,
      startLine: number(p.line),
      endLine: number(p.endLine),
      startColumn: number(p.col),
      endColumn: number(p.endColumn),
    });
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('').replace(/\r?\n$/, '');
}

const commands = [];
let failures = 0;
const fail = (why) => { failures += 1; console.error(`FAIL ${why}`); };
for (const line of lines) {
  const command = parse(line);
  if (command === null) continue; // the plain summary line
  commands.push(command);
  if (!['error', 'warning', 'notice'].includes(command.name)) fail(`unknown command ${command.name}`);
  const again = reissue(command);
  if (again !== line) fail(`@actions/core prints\n  ${again}\nmeshmend printed\n  ${line}`);
}
const level = { error: 'error', warning: 'warning', info: 'notice' };
if (commands.length !== report.diagnostics.length) {
  fail(`${commands.length} annotations for ${report.diagnostics.length} findings`);
}
report.diagnostics.forEach((d, i) => {
  const c = commands[i];
  if (!c) return;
  const p = c.properties;
  const expect = (what, got, want) => { if (got !== want) fail(`finding ${i} ${what}: ${got} != ${want}`); };
  expect('command', c.name, level[d.severity]);
  expect('title', p.title, `${d.code} ${d.name}`);
  if (d.file !== '-') {
    expect('file', p.file, d.file.replace(/^\.\//, ''));
    expect('line', Number(p.line), d.line);
    expect('endLine', Number(p.endLine), d.end_line);
    if (d.line === d.end_line) {
      expect('col', Number(p.col), d.column);
      expect('endColumn', Number(p.endColumn), Math.max(d.end_column, d.column + 1));
    } else if (p.col !== undefined) {
      fail(`finding ${i}: columns on a multi-line annotation`);
    }
  }
  if (!c.message.startsWith(d.message)) fail(`finding ${i} message does not start with the finding's message`);
});
console.log(`github annotations: ${commands.length} checked against @actions/core, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
