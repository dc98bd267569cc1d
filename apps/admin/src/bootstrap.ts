import { EnvSource } from '@tagrelay/config';
import { runCli } from '@tagrelay/runtime';
import { createTopicsCommand } from './topics.command';

/** Operations commands: `admin topics create`. */
export function bootstrap(
  argv: string[] = process.argv.slice(2),
  options: { env?: EnvSource; out?: (line: string) => void } = {},
): Promise<void> {
  return runCli('admin', [createTopicsCommand], argv, options);
}
