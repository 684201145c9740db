// The `plotwright` command: dispatches to its subcommands.
import { runBenchCommand } from './benchCommand.js';
import { runDrawingsCommand } from './drawingsCommand.js';
import { runPlotCommand } from './plotCommand.js';
import { UsageError } from './usageError.js';

const USAGE = `Usage: plotwright <command> [options]

Commands:
  plot       ask a model for plotting code for a data file, run it in a Python kernel, write the PNG
  bench      run PandasPlotBench (generate, execute in isolated kernels, judge, report); bench compare
  drawings   figures from hand drawings: synth | infer | eval

Run 'plotwright <command> --help' for a command's options.`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  plot: runPlotCommand,
  bench: runBenchCommand,
  drawings: runDrawingsCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    console.error(`plotwright: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`plotwright ${command}: ${error.message}\nRun 'plotwright ${command} --help' for the options.`);
      return 2;
    }
    throw error;
  }
}
