/**
 * `npm run lint` step: fails when any TypeScript files import each other in a cycle.
 * Usage: tsx tools/lint/check-cycles.ts
 */
import { join } from 'node:path';
import { importCycles } from './import-cycles';

const root = join(import.meta.dirname, '..', '..');
const cycles = importCycles(root, ['src', 'workers', 'tools', 'e2e']);
if (cycles.length > 0) {
  console.error(`${cycles.length} import cycle(s):`);
  for (const c of cycles) console.error(`  ${c.join(' ↔ ')}`);
  process.exit(1);
}
console.log('No import cycles.');
