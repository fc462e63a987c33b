/**
 * The admin CLI's driver: parses `<noun> <verb> [--flags]`, opens the database named by `--database` or
 * CONVENE_DATABASE_URL (the server may be running: SQLite's WAL and busy timeout let both work), runs one
 * command, prints one JSON object on stdout, or one line on stderr and a non-zero exit code.
 */
import { createSecretBox } from '../infra/secretBox.js';
import { resolveSecretKey } from '../infra/secretKey.js';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { DomainError } from '../domain/errors.js';
import { createStore, migrateToLatest } from '../storage/index.js';
import { createDeps } from '../wiring.js';
import { CliError } from './checks.js';
import { commands, type Command } from './commands.js';

/** Where the CLI writes; tests pass buffers. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Options of `runCli`. */
export interface RunCliOptions {
  /** Environment for the configuration; default `process.env`. */
  env?: Record<string, string | undefined>;
  io?: CliIo;
  /** Standard input for `--password -`; default reads `process.stdin`. */
  readStdin?: () => Promise<string>;
}

const globalOptions = { database: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

/** The help text: one usage line per command. */
export function usage(): string {
  return [
    'Usage: convene <noun> <verb> [--flags]   (prints one JSON object on stdout)',
    '',
    ...Object.values(commands).map((c) => `  convene ${c.usage}`),
    '',
    'Every command takes --database <url> (default: CONVENE_DATABASE_URL, else ./data/convene.db).',
    '--password - reads the password from the first line of standard input.',
    'A postgres:// URL selects PostgreSQL; anything else is a SQLite file.',
  ].join('\n');
}

/** Finds the command named by the leading positionals; returns it with the remaining arguments. */
function resolve(argv: string[]): { name: string; command: Command; rest: string[] } {
  const [noun, verb, third] = argv;
  if (noun !== undefined && commands[noun]) return { name: noun, command: commands[noun], rest: argv.slice(1) };
  // Three-word commands (`huawei app create`) win over a two-word prefix.
  const three = `${noun ?? ''} ${verb ?? ''} ${third ?? ''}`;
  if (third !== undefined && commands[three]) return { name: three, command: commands[three], rest: argv.slice(3) };
  const name = `${noun ?? ''} ${verb ?? ''}`.trim();
  const command = commands[name];
  if (!command) {
    const known = [...new Set(Object.keys(commands).map((k) => k.split(' ')[0]))].join(', ');
    throw new CliError(noun === undefined ? `no command given (nouns: ${known}); run convene --help` : `unknown command "${name}"; run convene --help`, 2);
  }
  return { name, command, rest: argv.slice(2) };
}

/** One line for stderr, whatever was thrown. */
function oneLine(e: unknown): string {
  let text: string;
  if (e instanceof ConfigError) text = `invalid configuration: ${e.problems.join('; ')}`;
  else if (e instanceof DomainError) text = [e.message, ...e.details.map((d) => `${d.field ?? ''} ${d.message}`.trim())].join('; ');
  else if (e instanceof Error) text = e.message || e.name;
  else text = String(e);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Runs one CLI invocation and returns its exit code: 0 success, 1 the command failed (not found, already
 * in use, database unreachable), 2 the command line is wrong.
 */
export async function runCli(argv: string[], { env = process.env, io = processIo, readStdin = readProcessStdin }: RunCliOptions = {}): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(`${usage()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  try {
    const { command, rest } = resolve(argv);
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({ args: rest, options: { ...globalOptions, ...command.options }, strict: true, allowPositionals: false }));
    } catch (e) {
      throw new CliError(oneLine(e), 2);
    }
    if (values.help) {
      io.stdout(`Usage: convene ${command.usage} [--database <url>]\n`);
      return 0;
    }
    const database = typeof values.database === 'string' ? values.database : undefined;
    // The CLI needs only the database and the domain settings, but it checks the whole environment like the
    // server does: a CLI that accepts what the server rejects would provision an instance that cannot start.
    const config = loadConfig({ ...env, ...(database === undefined ? {} : { CONVENE_DATABASE_URL: database }) });
    const store = await createStore({ url: config.databaseUrl, migrate: false, secrets: createSecretBox(resolveSecretKey(config.secretKey, config.databaseUrl)) });
    try {
      const migration = await migrateToLatest(store);
      const deps = await createDeps(store, config);
      const result = await command.run({ deps, store, migration, readStdin }, values);
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    } finally {
      await store.close();
    }
  } catch (e) {
    io.stderr(`convene: ${oneLine(e)}\n`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}

async function readProcessStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};
