import { EnvSource } from '@tagrelay/config';
import { runCli } from '@tagrelay/runtime';
import { configImportCommand } from './config-import.command';
import { createTopicsCommand } from './topics.command';

/** Operations commands: `admin topics create`, `admin config import <file>`. */
export function bootstrap(
  argv: string[] = process.argv.slice(2),
  options: { env?: EnvSource; out?: (line: string) => void } = {},
): Promise<void> {
  return runCli('admin', [createTopicsCommand, configImportCommand], argv, options);
}
