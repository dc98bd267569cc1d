export interface ServiceProbe {
  health: number;
  readiness: { status: number; ready: boolean; checks: Record<string, boolean> };
  metrics: { status: number; body: string };
}

/** Reads a service's health, readiness and metrics endpoints. */
export async function probeService(baseUrl: string): Promise<ServiceProbe> {
  const [health, ready, metrics] = await Promise.all([
    fetch(`${baseUrl}/healthz`),
    fetch(`${baseUrl}/readyz`),
    fetch(`${baseUrl}/metrics`),
  ]);
  const report = (await ready.json()) as { ready: boolean; checks: Record<string, boolean> };
  return {
    health: health.status,
    readiness: { status: ready.status, ready: report.ready, checks: report.checks },
    metrics: { status: metrics.status, body: await metrics.text() },
  };
}
