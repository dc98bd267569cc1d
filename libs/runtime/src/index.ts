export * from './health.registry';
export { createRootLogger } from './logger';
export type { Logger } from './logger';
export { startHttpService } from './http-service';
export type { HttpServiceOptions, RunningHttpService } from './http-service';
export { installFatalHandlers, runMain } from './process';
export { RuntimeModule } from './runtime.module';
export { runCli } from './cli';
export type { CliCommand, CliContext } from './cli';
