import { EnvSource } from '@tagrelay/config';
import { RunningHttpService, startHttpService } from '@tagrelay/runtime';
import { MonitorModule } from './monitor.module';

/** Starts the monitor service; `main.ts` and the tests both come through here. */
export function bootstrap(env?: EnvSource): Promise<RunningHttpService> {
  return startHttpService({ service: 'monitor', rootModule: () => MonitorModule, env });
}
