/**
 * A broken process restarts, it does not limp on: an uncaught exception or an
 * unhandled rejection ends it (the orchestrator starts a fresh one, and Kafka
 * redelivers everything not committed).
 */
export function installFatalHandlers(log: (error: unknown, origin: string) => void): void {
  process.on('uncaughtException', (error) => {
    log(error, 'uncaughtException');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    log(reason, 'unhandledRejection');
    process.exit(1);
  });
}

/** Runs `main`, and ends the process with a message when start-up fails. */
export function runMain(main: () => Promise<unknown>): void {
  installFatalHandlers((error, origin) => {
    process.stderr.write(`fatal ${origin}: ${describe(error)}\n`);
  });
  main().catch((error: unknown) => {
    // NOTE: a configuration error is the operator's to fix: its message names
    // the variable, and a stack trace would only bury it.
    const text =
      error instanceof Error && error.name === 'ConfigError' ? error.message : describe(error);
    process.stderr.write(`start-up failed: ${text}\n`);
    process.exit(1);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
