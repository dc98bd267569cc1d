import {
  AppConfig,
  EnvSource,
  loadConfig,
  loadConfigFromProcess,
  ServiceName,
} from '@tagrelay/config';
import { createRootLogger, Logger } from './logger';

export interface CliContext {
  config: AppConfig;
  logger: Logger;
  /** Where the command writes its result (stdout in a process, a buffer in tests). */
  out: (line: string) => void;
}

export interface CliCommand {
  /** e.g. `topics create` */
  name: string;
  summary: string;
  run(context: CliContext, args: string[]): Promise<void>;
}

/**
 * Runs one command of a command-line app. Unknown commands print the usage
 * and fail; configuration is validated before anything connects.
 */
export async function runCli(
  service: ServiceName,
  commands: CliCommand[],
  argv: string[],
  options: { env?: EnvSource; out?: (line: string) => void } = {},
): Promise<void> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const command = commands
    .slice()
    .sort((a, b) => b.name.length - a.name.length)
    .find((candidate) => argv.join(' ').startsWith(candidate.name));
  if (!command) {
    const usage = commands.map(
      (candidate) => `  ${candidate.name.padEnd(16)} ${candidate.summary}`,
    );
    throw new Error(`usage: ${service} <command>\n${usage.join('\n')}`);
  }
  const config = options.env ? loadConfig(service, options.env) : loadConfigFromProcess(service);
  const logger = createRootLogger(config);
  await command.run({ config, logger, out }, argv.slice(command.name.split(' ').length));
}
