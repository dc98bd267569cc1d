import { DemoArguments } from './demo-arguments';
import { Visitor } from './visitor-plan';

export interface SentTraffic {
  /** Event ids of the server hits ingest accepted (202), with their event name. */
  serverEvents: Map<string, string>;
  webAccepted: number;
  /** Non-2xx answers and network errors, by status (`network` for no answer). */
  rejected: Map<string, number>;
  /** A few error bodies, to show what went wrong. */
  examples: string[];
  elapsedMs: number;
}

export type ProgressListener = (done: number, total: number, traffic: SentTraffic) => void;

/**
 * Sends each visitor's hits in order (web hits to `/v1/web` as the browser tag
 * does, server hits to `/v1/hit` as the site's servers do), `concurrency`
 * visitors at a time.
 */
export async function sendTraffic(
  visitors: Visitor[],
  args: Pick<
    DemoArguments,
    'ingestUrl' | 'siteId' | 'containerId' | 'writeKey' | 'origin' | 'concurrency'
  >,
  onProgress: ProgressListener = () => undefined,
): Promise<SentTraffic> {
  const started = performance.now();
  const traffic: SentTraffic = {
    serverEvents: new Map(),
    webAccepted: 0,
    rejected: new Map(),
    examples: [],
    elapsedMs: 0,
  };
  const path = `${args.siteId}/${args.containerId}`;
  const fail = (status: string, detail: string) => {
    traffic.rejected.set(status, (traffic.rejected.get(status) ?? 0) + 1);
    if (traffic.examples.length < 3) traffic.examples.push(`${status}: ${detail.slice(0, 300)}`);
  };

  const sendVisitor = async (visitor: Visitor) => {
    // NOTE: the site's server forwards the visitor's address and browser, as a
    // server-side integration does; ingest trusts X-Forwarded-For.
    const common = { 'user-agent': visitor.userAgent, 'x-forwarded-for': visitor.ip };
    for (const hit of visitor.hits) {
      if (hit.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, hit.delayMs));
      try {
        if (hit.kind === 'web') {
          const response = await fetch(`${args.ingestUrl}/v1/web/${path}`, {
            method: 'POST',
            // text/plain as navigator.sendBeacon sends it.
            headers: { ...common, 'content-type': 'text/plain', origin: args.origin },
            body: JSON.stringify(hit.body),
          });
          if (response.status === 204) traffic.webAccepted++;
          else fail(String(response.status), await response.text());
        } else {
          const response = await fetch(`${args.ingestUrl}/v1/hit/${path}`, {
            method: 'POST',
            headers: { ...common, 'content-type': 'application/json', 'x-api-key': args.writeKey },
            body: JSON.stringify(hit.body),
          });
          const text = await response.text();
          if (response.status !== 202) {
            fail(String(response.status), text);
            continue;
          }
          const { eventIds } = JSON.parse(text) as { eventIds: string[] };
          for (const id of eventIds) traffic.serverEvents.set(id, hit.event);
        }
      } catch (error) {
        fail('network', (error as Error).message);
      }
    }
  };

  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < visitors.length) {
      const visitor = visitors[next++];
      await sendVisitor(visitor);
      done++;
      onProgress(done, visitors.length, traffic);
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.concurrency, visitors.length) }, worker));
  traffic.elapsedMs = performance.now() - started;
  return traffic;
}
