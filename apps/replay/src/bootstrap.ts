import { EnvSource } from '@tagrelay/config';
import { runCli } from '@tagrelay/runtime';
import { inspectCommand } from './inspect.command';

/** Re-reads topics after an incident; `replay inspect` shows what is kept. */
export function bootstrap(
  argv: string[] = process.argv.slice(2),
  options: { env?: EnvSource; out?: (line: string) => void } = {},
): Promise<void> {
  return runCli('replay', [inspectCommand], argv, options);
}
