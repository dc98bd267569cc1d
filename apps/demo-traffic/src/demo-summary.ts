import { DeliveryRecord, Partner, PARTNERS } from '@tagrelay/contracts';
import { growth, PipelineReadback, TopicOffsets } from './pipeline-readback';
import { SentTraffic } from './traffic-sender';
import { Visitor, VisitorKind } from './visitor-plan';

/** The sandbox's counters of one partner (GET /stats). */
export interface SandboxCounters {
  requests: number;
  events: number;
  duplicates: number;
  rejected: number;
}

export interface DestinationOutcome {
  partner: Partner;
  destinationId: string;
  delivered: number;
  filtered: number;
  failed: number;
  /** Still retrying, or no record yet, when the wait ended. */
  pending: number;
}

export interface DemoSummary {
  visitors: Record<VisitorKind, number>;
  sent: { serverAccepted: number; webAccepted: number; rejected: number; elapsedMs: number };
  /** How much `hits.server` / `hits.web` grew during the run. */
  incoming: { serverHits: number; webHits: number };
  enriched: { events: number; matched: number; late: number; miss: number; missing: number };
  /** (matched + late) / enriched events. */
  matchRate: number;
  destinations: DestinationOutcome[];
  /** Growth of the sandbox's counters per partner; null when the sandbox did not answer. */
  sandbox: Record<Partner, SandboxCounters> | null;
  /** Why events failed (`partner: reason` → events), the commonest first. */
  failureReasons: [string, number][];
  /** Messages added to each `dispatch.<partner>.dlq`. */
  deadLetters: Record<Partner, number>;
  settled: boolean;
  settleMs: number;
}

export interface SummaryInput {
  visitors: Visitor[];
  sent: SentTraffic;
  readback: PipelineReadback;
  destinations: { partner: Partner; destinationId: string }[];
  before: TopicOffsets;
  after: TopicOffsets;
  sandboxBefore: Record<Partner, SandboxCounters> | null;
  sandboxAfter: Record<Partner, SandboxCounters> | null;
  settled: boolean;
  settleMs: number;
}

export function summarize(input: SummaryInput): DemoSummary {
  const { readback, sent, before, after } = input;
  const visitors: Record<VisitorKind, number> = { 'web-first': 0, 'server-only': 0, 'late-web': 0 };
  for (const visitor of input.visitors) visitors[visitor.kind]++;

  const enriched = { events: 0, matched: 0, late: 0, miss: 0, missing: 0 };
  for (const eventId of sent.serverEvents.keys()) {
    const result = readback.enrichment.get(eventId);
    if (!result) enriched.missing++;
    else {
      enriched.events++;
      enriched[result]++;
    }
  }

  const reasons = new Map<string, number>();
  const destinations = input.destinations.map(({ partner, destinationId }) => {
    const outcome: DestinationOutcome = {
      partner,
      destinationId,
      delivered: 0,
      filtered: 0,
      failed: 0,
      pending: 0,
    };
    for (const eventId of sent.serverEvents.keys()) {
      const record: DeliveryRecord | undefined = readback.latestDelivery.get(
        `${destinationId} ${eventId}`,
      );
      const status = record?.status;
      if (status === 'delivered' || status === 'filtered' || status === 'failed') outcome[status]++;
      else outcome.pending++;
      if (status === 'failed') {
        const reason = `${partner}: ${record?.reason ?? 'no reason recorded'}`;
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
    }
    return outcome;
  });

  const sandbox =
    input.sandboxBefore && input.sandboxAfter
      ? (Object.fromEntries(
          PARTNERS.map((partner) => {
            const was = input.sandboxBefore![partner];
            const now = input.sandboxAfter![partner];
            return [
              partner,
              {
                requests: now.requests - was.requests,
                events: now.events - was.events,
                duplicates: now.duplicates - was.duplicates,
                rejected: now.rejected - was.rejected,
              },
            ];
          }),
        ) as Record<Partner, SandboxCounters>)
      : null;

  return {
    visitors,
    sent: {
      serverAccepted: sent.serverEvents.size,
      webAccepted: sent.webAccepted,
      rejected: [...sent.rejected.values()].reduce((sum, count) => sum + count, 0),
      elapsedMs: sent.elapsedMs,
    },
    incoming: {
      serverHits: growth(before, after, readback.topics.serverHits),
      webHits: growth(before, after, readback.topics.webHits),
    },
    enriched,
    matchRate: enriched.events === 0 ? 0 : (enriched.matched + enriched.late) / enriched.events,
    destinations,
    failureReasons: [...reasons].sort((a, b) => b[1] - a[1]),
    sandbox,
    deadLetters: Object.fromEntries(
      PARTNERS.map((partner) => [
        partner,
        growth(before, after, readback.topics.deadLetters[partner]),
      ]),
    ) as Record<Partner, number>,
    settled: input.settled,
    settleMs: input.settleMs,
  };
}

/** The summary as a person reads it. */
export function formatSummary(summary: DemoSummary, sandboxUrl: string): string[] {
  const { visitors, sent, incoming, enriched, sandbox } = summary;
  const total = visitors['web-first'] + visitors['server-only'] + visitors['late-web'];
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
  const lines = [
    '',
    `Demo traffic: ${total} visitors (${visitors['web-first']} web data first, ${visitors['late-web']} web data late, ${visitors['server-only']} server only)`,
    `  sent       ${sent.serverAccepted} server hits + ${sent.webAccepted} web hits accepted in ${(sent.elapsedMs / 1000).toFixed(1)} s` +
      (sent.rejected > 0 ? `, ${sent.rejected} rejected` : ', none rejected'),
    `  incoming   hits.server +${incoming.serverHits}, hits.web +${incoming.webHits} (topic offsets)`,
    `  enriched   ${enriched.events} events: ${enriched.matched} matched, ${enriched.late} late, ${enriched.miss} miss; match rate ${pct(summary.matchRate)}` +
      (enriched.missing > 0 ? `; ${enriched.missing} not enriched yet` : ''),
    '  outgoing   partner   destination      delivered  filtered  failed  pending | sandbox requests  events  duplicates',
  ];
  for (const outcome of summary.destinations) {
    const counters = sandbox?.[outcome.partner];
    lines.push(
      `             ${outcome.partner.padEnd(9)} ${outcome.destinationId.padEnd(16)} ${String(outcome.delivered).padStart(9)}  ${String(outcome.filtered).padStart(8)}  ${String(outcome.failed).padStart(6)}  ${String(outcome.pending).padStart(7)} | ` +
        (counters
          ? `${String(counters.requests).padStart(16)}  ${String(counters.events).padStart(6)}  ${String(counters.duplicates).padStart(10)}`
          : 'sandbox not reachable'),
    );
  }
  const failed = summary.destinations.reduce((sum, outcome) => sum + outcome.failed, 0);
  const deadLetters = Object.entries(summary.deadLetters).filter(([, count]) => count > 0);
  const rejectedBySandbox = sandbox
    ? Object.values(sandbox).reduce((sum, counters) => sum + counters.rejected, 0)
    : 0;
  lines.push(
    failed + deadLetters.length + rejectedBySandbox + sent.rejected === 0
      ? '  failures   none'
      : `  failures   ${sent.rejected} hits rejected by ingest, ${failed} events failed at destinations, ` +
          `${rejectedBySandbox} requests rejected by the sandbox; dead letters: ` +
          (deadLetters.map(([partner, count]) => `${partner} +${count}`).join(', ') || 'none'),
    ...summary.failureReasons
      .slice(0, 3)
      .map(([reason, count]) => `             ${count} × ${reason.slice(0, 200)}`),
    summary.settled
      ? `  settled    in ${(summary.settleMs / 1000).toFixed(1)} s after the last hit`
      : `  NOT settled after ${(summary.settleMs / 1000).toFixed(1)} s: counts above are partial (is every service running?)`,
    `  see        ${sandboxUrl}/ (what each partner received)`,
  );
  return lines;
}
