import { EnvSource } from '@tagrelay/config';
import { RunningHttpService, startHttpService } from '@tagrelay/runtime';
import { DispatcherModule } from './dispatcher.module';
import { partnerArgument, resolvePartner } from './partner-argument';

/**
 * Starts a dispatcher for one partner (`--partner <name>` or
 * DISPATCHER_PARTNER); `main.ts` and the tests both come through here.
 */
export async function bootstrap(
  env?: EnvSource,
  argv: string[] = process.argv.slice(2),
): Promise<RunningHttpService> {
  const argument = partnerArgument(argv);
  return await startHttpService({
    service: 'dispatcher',
    env,
    rootModule: (config) => DispatcherModule.forPartner(resolvePartner(argument, config)),
  });
}
