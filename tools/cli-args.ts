/**
 * Flag parsing for the command-line tools: node:util's parseArgs (strict), plus `--help` / `-h`,
 * which prints the tool's usage, and a one-line error with that usage (exit 2) for an unknown
 * flag, a missing value or a stray argument, instead of a stack trace.
 * The usage is the leading doc comment of the tool's own source file (one home for it).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The first doc comment of a source file, without its comment markers. */
export function usageOf(source: string): string {
  const m = /\/\*\*([\s\S]*?)\*\//.exec(source);
  if (!m) return '';
  return m[1]!
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

/**
 * parseArgs({ options, strict: true }) for the tool whose module URL is `moduleUrl`
 * (`import.meta.url`). Exits 0 after printing the usage on --help, 2 on a parse error.
 */
export function parseCli<const O extends Options>(moduleUrl: string, options: O, argv = process.argv.slice(2)) {
  const file = fileURLToPath(moduleUrl);
  const usage = (): string => usageOf(readFileSync(file, 'utf8'));
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${basename(file)}: ${(e as Error).message}\n\n${usage()}`);
      process.exit(2);
    }
    throw e;
  }
}
