/* eslint-disable no-console -- a benchmark prints its numbers */
import 'reflect-metadata';

/**
 * `npm run bench -- <name>`: runs one benchmark against the real servers
 * (KAFKA_BROKERS / MONGODB_URI, or those docker/local/up starts) and prints
 * its numbers. Benchmarks register themselves here by name.
 */
const BENCHMARKS: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  kafka: () => import('./kafka.bench'),
  ingest: () => import('./ingest.bench'),
  dispatch: () => import('./dispatch.bench'),
  enrichment: () => import('./enrichment.bench'),
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const load = name ? BENCHMARKS[name] : undefined;
  if (!load) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [args]`);
    process.exit(2);
  }
  await (await load()).run(args);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
