import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { registerDatabaseCommands } from './database-commands.js';
import { EXIT, UserError } from './exit-codes.js';
import { prettyHeader, prettyRecord, prettySummary } from './pretty.js';
import { simulate } from './simulate.js';

/**
 * The `ordersource` command. Every subcommand has --help; output goes to
 * stdout (JSON lines or --json where it makes sense), errors to stderr as
 * one line without a stack trace; the exit codes are in exit-codes.ts.
 */

const readInput = (source: string): string => {
  try {
    return readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UserError(
      `cannot read ${source === '-' ? 'standard input' : `"${source}"`}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
};

const write = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

export const program = (): Command => {
  const cli = new Command('ordersource')
    .description('Explore, run and operate an ordersource shop from the command line.')
    .version('0.1.0', '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .exitOverride();

  cli
    .command('simulate')
    .description(
      'Run JSON lines of commands through the whole shop (deciders, policies, receipts, timers) on the in-memory ' +
        'store with a virtual clock; print events, states, receipts and notifications as JSON lines.',
    )
    .argument('<file>', 'a file of JSON lines, or - for standard input (format: docs/wire-format.md)')
    .option('--pretty', 'a readable table instead of JSON lines')
    .option('--start <instant>', 'the virtual clock at the start (default: the first instant in the input)')
    .option('--no-states', 'do not print the state of each stream a line touched')
    .addHelpText(
      'after',
      `
Input lines (one JSON object each; blank lines and // comments are skipped):
  {"stream":"order-o-1","type":"PlaceOrder","data":{...},"at":"2026-11-01T10:00:00Z","actor":{"kind":"customer","id":"c-1"},"commandId":"checkout-1"}
  {"advance":"PT24H"}            move the virtual clock, firing the timers due on the way
  {"clock":"2026-11-10T00:00:00Z"}
at, actor and commandId are optional (default: the clock, admin "cli", "line-<n>").

Output records (JSON lines): accepted, rejected, event, policy, policy-refused, timer,
notification, receipt, state, clock, parked; then one summary.

Exit codes: 0 every command accepted, 1 at least one line rejected (the run goes on), 2 usage.`,
    )
    .action(async (file: string, options: { pretty?: boolean; start?: string; states: boolean }) => {
      const lines = readInput(file).split('\n');
      if (options.pretty === true) write(prettyHeader());
      const summary = await simulate(
        lines,
        (record) => write(options.pretty === true ? prettyRecord(record) : JSON.stringify(record)),
        { states: options.states, ...(options.start === undefined ? {} : { start: options.start }) },
      );
      write(options.pretty === true ? prettySummary(summary) : JSON.stringify(summary));
      process.exitCode = summary.rejected > 0 ? EXIT.rejected : EXIT.ok;
    });

  registerDatabaseCommands(cli);
  cli.addOption(new Option('--no-color', 'no colours (also when NO_COLOR is set)').hideHelp());
  return cli;
};

/** Runs the command line; never throws: every failure becomes a message on stderr and an exit code. */
export const main = async (argv: readonly string[]): Promise<number> => {
  try {
    process.exitCode = undefined;
    await program().parseAsync([...argv], { from: 'user' });
    // Actions set process.exitCode; hand it back instead, so main() can run in a test process too.
    const code = typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
    process.exitCode = undefined;
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with code 0; commander already printed the message.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UserError) {
      process.stderr.write(`ordersource: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `ordersource: internal error (a bug, please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.internal;
  }
};
