// What a user would script instead of meshmend, in Node: load every document
// with the `yaml` package or `js-yaml` and list the pairs of Gateways that
// claim the same port number with the same selector (the same naive logic as
// same_port.py: port numbers, not listeners; selector equality, not pods).
//
//   node same_port.mjs yaml|js-yaml FILE    # prints {"pairs": ["ns/a ns/b", ...]}
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { loadAll } from 'js-yaml';

const [library, file] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
const docs =
  library === 'yaml'
    ? parseAllDocuments(text).map((d) => d.toJS({ maxAliasCount: -1 }))
    : loadAll(text, { json: true });

const claims = new Map();
for (const doc of docs) {
  if (!doc || typeof doc !== 'object' || doc.kind !== 'Gateway') continue;
  const meta = doc.metadata ?? {};
  const spec = doc.spec ?? {};
  const name = `${meta.namespace || 'default'}/${meta.name}`;
  const selector = Object.entries(spec.selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');
  for (const server of spec.servers ?? []) {
    const port = server?.port?.number;
    if (port === undefined || port === null) continue;
    const key = `${selector} ${port}`;
    if (!claims.has(key)) claims.set(key, new Set());
    claims.get(key).add(name);
  }
}
const pairs = new Set();
for (const names of claims.values()) {
  const sorted = [...names].sort();
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) pairs.add(`${sorted[i]} ${sorted[j]}`);
  }
}
console.log(JSON.stringify({ pairs: [...pairs].sort() }));
