/**
 * `pack.json` text → a validated `Manifest`, or a PackInvalid error that says what is wrong
 * and where (`pack.json: graphs.unet.sha256: 64 lowercase hex digits`). Pure TypeScript,
 * shared by the worker and the Node CLI.
 */
import type { z } from 'zod/mini';
import { packInvalid } from '../errors';
import { checkManifest, checkManifestV2 } from './manifest-checks';
import { manifestSchema } from './manifest';
import { manifestV2Schema, type AnyManifest } from './manifest-v2';
import { looksLikeHtml } from './sniff';

const MANIFEST_FILE = 'pack.json';
const MAX_LISTED = 8;

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.slice(0, MAX_LISTED).map((i) => {
    const where = i.path.length > 0 ? i.path.map(String).join('.') : '(top level)';
    return `${where}: ${i.message}`;
  });
  if (issues.length > MAX_LISTED) lines.push(`… and ${issues.length - MAX_LISTED} more`);
  return lines.join('; ');
}

/** Format versions this app reads: each has its own strict schema and checks. */
export const FORMAT_VERSIONS = [1, 2] as const;

function formatVersionOf(json: unknown): unknown {
  return typeof json === 'object' && json !== null ? (json as { formatVersion?: unknown }).formatVersion : undefined;
}

/** Validates already-parsed JSON: the schema of its `formatVersion` (1 when absent or unknown: its error names the field). */
export function validateManifest(json: unknown): AnyManifest {
  const version = formatVersionOf(json);
  if (typeof version === 'number' && !(FORMAT_VERSIONS as readonly number[]).includes(version)) {
    throw packInvalid(
      MANIFEST_FILE,
      `formatVersion ${version} is not one this app reads (${FORMAT_VERSIONS.join(' or ')}); update the app or convert the pack again`,
    );
  }
  const result = version === 2 ? manifestV2Schema.safeParse(json) : manifestSchema.safeParse(json);
  if (!result.success) {
    throw packInvalid(MANIFEST_FILE, `does not follow the pack contract: ${formatIssues(result.error.issues)}`);
  }
  const data = result.data;
  const problems = data.formatVersion === 2 ? checkManifestV2(data) : checkManifest(data);
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED).join('; ');
    const more = problems.length > MAX_LISTED ? `; … and ${problems.length - MAX_LISTED} more` : '';
    throw packInvalid(MANIFEST_FILE, `inconsistent pack: ${listed}${more}`);
  }
  return data;
}

/** Parses and validates the text of `pack.json`. */
export function parseManifest(text: string): AnyManifest {
  if (looksLikeHtml(text)) {
    throw packInvalid(
      MANIFEST_FILE,
      'the server returned an HTML page instead of the manifest — is the pack folder or URL right?',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw packInvalid(MANIFEST_FILE, 'is not valid JSON', e instanceof Error ? e.message : String(e));
  }
  return validateManifest(json);
}
