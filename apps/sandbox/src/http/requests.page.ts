import { PartnerStats, RecordedRequest, SandboxPartner } from '../recording/recorded-request';
import { SANDBOX_PARTNERS } from '../recording/request-recorder';

export interface RequestsPageModel {
  partner: SandboxPartner | undefined;
  stats: Record<SandboxPartner, PartnerStats>;
  requests: RecordedRequest[];
  /** 0 = no automatic refresh. */
  refreshSeconds: number;
}

const LABELS: Record<SandboxPartner, string> = {
  meta: 'Meta CAPI',
  ga4: 'GA4 MP',
  criteo: 'Criteo',
  webhook: 'Webhook',
  unknown: 'Unknown path',
};

/** One self-contained page (no scripts): counters per partner and the newest requests. */
export function renderRequestsPage(model: RequestsPageModel): string {
  const { partner, stats, requests, refreshSeconds } = model;
  const query = (selected: SandboxPartner | undefined, refresh = refreshSeconds) => {
    const params = new URLSearchParams();
    if (selected) params.set('partner', selected);
    if (refresh === 0) params.set('refresh', '0');
    const text = params.toString();
    return text ? `/?${text}` : '/';
  };
  const counters = SANDBOX_PARTNERS.map((name) => {
    const row = stats[name];
    return `<tr${name === partner ? ' class="on"' : ''}><td><a href="${query(name)}">${LABELS[name]}</a></td>
<td>${row.requests}</td><td>${row.events}</td><td>${row.distinctEvents}</td><td>${row.duplicates}</td><td>${row.rejected}</td></tr>`;
  }).join('\n');
  const rows = requests.map(renderRequest).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Tagrelay partner sandbox</title>
${refreshSeconds > 0 ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : ''}
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
tr.on{background:#eef5ff} .bad{color:#b00020;font-weight:600} code{font-size:12px}
pre{max-width:90vw;max-height:30rem;overflow:auto;background:#f6f6f6;padding:.5rem;margin:.25rem 0}
</style></head><body>
<h1>Partner sandbox</h1>
<p>Plays Meta Conversions API (<code>POST /{version}/{pixelId}/events</code>), GA4 Measurement Protocol
(<code>POST /mp/collect</code>), Criteo events (<code>POST /m/event</code>) and a webhook receiver
(<code>POST /webhook/…</code>). JSON: <a href="/requests">/requests?partner=…</a>, <a href="/stats">/stats</a>,
<code>/events?partner=…</code>.
${refreshSeconds > 0 ? `Refreshes every ${refreshSeconds} s (<a href="${query(partner, 0)}">stop</a>).` : `<a href="${query(partner, 2)}">Refresh automatically</a>.`}</p>
<table><tr><th>partner</th><th>requests</th><th>events</th><th>distinct event ids</th><th>duplicates</th><th>rejected</th></tr>
${counters}</table>
<h2>${partner ? `${LABELS[partner]}: ` : ''}newest ${requests.length} requests ${partner ? `<small>(<a href="${query(undefined)}">all partners</a>)</small>` : ''}</h2>
<table><tr><th>#</th><th>received</th><th>partner</th><th>request</th><th>status</th><th>events</th><th>event ids</th></tr>
${rows || '<tr><td colspan="7">nothing yet: send a hit to ingest</td></tr>'}</table>
</body></html>`;
}

function renderRequest(request: RecordedRequest): string {
  const ids = request.eventIds.slice(0, 3).map(escape).join('<br>');
  const more = request.eventIds.length > 3 ? `<br>+${request.eventIds.length - 3} more` : '';
  const signature = request.signature ? ` · signature ${request.signature}` : '';
  const details = JSON.stringify(
    { query: request.query, headers: request.headers, body: request.body },
    null,
    2,
  );
  return `<tr><td>${request.seq}</td><td>${escape(request.receivedAt.slice(11, 23))}</td>
<td>${LABELS[request.partner]}</td>
<td><details><summary><code>${escape(request.method)} ${escape(request.path)}</code>${escape(signature)}</summary><pre>${escape(details)}</pre></details></td>
<td${request.status >= 400 ? ' class="bad"' : ''}>${request.status}</td><td>${request.events}</td><td><code>${ids}${more}</code></td></tr>`;
}

/** Everything shown comes from requests: escaped, never trusted. */
function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );
}
