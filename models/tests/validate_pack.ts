import { readFileSync } from 'node:fs';
import { parseManifest } from '../../workers/packs/parse.ts';
const m = parseManifest(readFileSync(process.argv[2], 'utf8'));
console.log('OK', m.name, Object.keys(m.graphs));
