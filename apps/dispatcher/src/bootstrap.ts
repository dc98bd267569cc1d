import { EnvSource } from '@tagrelay/config';
import { RunningHttpService, startHttpService } from '@tagrelay/runtime';
import { DispatcherModule } from './dispatcher.module';

/** Starts the dispatcher service; `main.ts` and the tests both come through here. */
export function bootstrap(env?: EnvSource): Promise<RunningHttpService> {
  return startHttpService({ service: 'dispatcher', rootModule: () => DispatcherModule, env });
}
