import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Convene's Prometheus registry and metric definitions (served at /metrics). */
export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  webhookAttempts: Counter<'outcome'>;
}

/** Creates a fresh registry (one per app, so tests can build many apps). */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'convene_' });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'convene_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    webhookAttempts: new Counter({ name: 'convene_webhook_attempts_total', help: 'Webhook delivery attempts by outcome', labelNames: ['outcome'], registers: [registry] }),
  };
}
