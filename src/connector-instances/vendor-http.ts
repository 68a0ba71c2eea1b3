import { AxiosError, type AxiosInstance } from 'axios';
import type { MetricsService } from '../common/metrics.service';
import type { CircuitBreaker } from './circuit-breaker.service';
import type { RequestBudget } from './request-budget.service';

export interface VendorGuards {
  instanceId: string;
  kind: string;
  /** Calls per rolling hour; null: no budget of ours (the vendor's own limits still answer 429). */
  requestsPerHour: number | null;
  breaker: CircuitBreaker;
  budget: RequestBudget;
  metrics: MetricsService;
}

/** A call that says the tool is in trouble: no answer, a server error, or credentials refused. */
function isToolFailure(err: unknown): string | null {
  if (!(err instanceof AxiosError)) return null;
  const status = err.response?.status;
  if (status === undefined) return `no answer (${err.code ?? 'network'})`;
  if (status >= 500 || status === 408 || status === 401) return `HTTP ${status}`;
  return null;
}

/**
 * Every call a connector makes goes through its instance's circuit and request budget; its
 * outcome feeds the circuit. A paused or over-budget call is refused before it leaves, with a
 * ConnectorError the connector passes on unchanged.
 */
export function guardVendorHttp(http: AxiosInstance, g: VendorGuards): AxiosInstance {
  const count = (outcome: string) => g.metrics.vendorRequests.inc({ kind: g.kind, outcome });
  http.interceptors.request.use(async (request) => {
    try {
      await g.breaker.admit(g.instanceId);
    } catch (err) {
      count('circuit-open');
      throw err;
    }
    if (g.requestsPerHour !== null) {
      try {
        await g.budget.take(g.instanceId, g.requestsPerHour);
      } catch (err) {
        count('over-budget');
        throw err;
      }
    }
    return request;
  });
  http.interceptors.response.use(
    async (response) => {
      count('ok');
      // The circuit's bookkeeping never turns a call the vendor answered into a failure.
      await g.breaker.succeeded(g.instanceId, g.kind).catch(() => undefined);
      return response;
    },
    async (err: unknown) => {
      // Refused here (circuit, budget): already counted, and not the tool's failure.
      if (!(err instanceof AxiosError)) throw err;
      const failure = isToolFailure(err);
      const status = err instanceof AxiosError ? err.response?.status : undefined;
      count(failure ? 'failed' : status === 429 ? 'rate-limited' : 'rejected');
      if (failure) await g.breaker.failed(g.instanceId, g.kind, failure).catch(() => undefined);
      throw err;
    },
  );
  return http;
}
