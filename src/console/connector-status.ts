import type { ConnectorInstancesService } from '../connector-instances/connector-instances.service';
import type { InstanceActivity } from './connector-health';

/** An instance as the API shows it (GET /api/v1/connectors/:id). */
export type InstanceView = Awaited<ReturnType<ConnectorInstancesService['view']>>;

export type HealthState = 'ok' | 'warn' | 'bad' | 'off' | 'new';

export interface StreamView {
  stream: string;
  lastSuccessAt: Date | null;
  lag: string | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  failing: boolean;
  lastRecords: number | null;
  lastDurationMs: number | null;
}

/** One instance's health: a state with its words (never colour alone) and the figures. */
export interface HealthView {
  state: HealthState;
  label: string;
  reasons: string[];
  pulls: boolean;
  streams: StreamView[];
  pollEvery: string | null;
  nextPollAt: Date | null;
  activity: InstanceActivity;
  circuit: InstanceView['circuit'];
  /** Calls counted against the instance's own budget this rolling hour, when it has one. */
  budget: { perHour: number; used: number; percent: number } | null;
}

/** 45 → "45 s", 720 → "12 min", 11100 → "3 h 5 min", 187200 → "2 d 4 h". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) {
    const m = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ''}`;
  }
  const h = Math.floor((s % 86400) / 3600);
  return `${Math.floor(s / 86400)} d${h ? ` ${h} h` : ''}`;
}

const LATE_FACTOR = 3;
const ERROR_TEXT_MAX = 500;

function clip(text: string | null): string | null {
  return text && text.length > ERROR_TEXT_MAX ? `${text.slice(0, ERROR_TEXT_MAX)}…` : text;
}

function streamView(p: InstanceView['polling'][number]): StreamView {
  const success = p.lastSuccessAt ? new Date(p.lastSuccessAt) : null;
  const error = p.lastErrorAt ? new Date(p.lastErrorAt) : null;
  return {
    stream: p.stream,
    lastSuccessAt: success,
    lag: p.lagSeconds === null ? null : duration(p.lagSeconds),
    lastError: clip(p.lastError),
    lastErrorAt: error,
    failing: Boolean(error && (!success || error > success)),
    lastRecords: p.lastRecords,
    lastDurationMs: p.lastDurationMs,
  };
}

/**
 * The rule behind the badge: disabled is off; an open circuit (the tool kept failing) is
 * bad and says when calls go again; a stream whose last poll failed is bad; a spent request
 * budget, late
 * polls (no success for three intervals), deliveries retrying or records that failed to
 * normalize in the last hour are a warning; an instance that pulls but was never polled is new.
 */
export function healthOf(
  view: InstanceView,
  pulls: boolean,
  activity: InstanceActivity,
): HealthView {
  const streams = view.polling.map(streamView);
  const reasons: string[] = [];
  const failing = streams.filter((s) => s.failing);
  for (const s of failing) reasons.push(`the last ${s.stream} poll failed`);
  const interval = view.pollIntervalSeconds;
  if (pulls && interval)
    for (const p of view.polling)
      if (
        p.lagSeconds !== null &&
        p.lagSeconds > LATE_FACTOR * interval &&
        !failing.some((s) => s.stream === p.stream)
      )
        reasons.push(`${p.stream} polls are late (last success ${duration(p.lagSeconds)} ago)`);
  if (activity.outbox.retrying > 0)
    reasons.push(
      `${activity.outbox.retrying} ${activity.outbox.retrying === 1 ? 'delivery' : 'deliveries'} retrying`,
    );
  const failedRecords = activity.webhook.failed + activity.poll.failed;
  if (failedRecords > 0)
    reasons.push(
      `${failedRecords} ${failedRecords === 1 ? 'record' : 'records'} failed to normalize in the last hour`,
    );
  const { circuit, requestBudget } = view;
  const paused = circuit.state === 'open' && circuit.openUntil !== null;
  if (paused)
    reasons.unshift(
      `paused by its circuit breaker after ${circuit.consecutiveFailures} failed calls in a row${
        circuit.lastFailure ? ` (last: ${circuit.lastFailure})` : ''
      }; calls go again at ${new Date(circuit.openUntil!).toISOString().slice(11, 19)} UTC`,
    );
  else if (circuit.state === 'half-open')
    reasons.push('its circuit breaker is letting calls through again after a pause');
  const budget =
    requestBudget.perHour === null
      ? null
      : {
          perHour: requestBudget.perHour,
          used: requestBudget.usedLastHour,
          percent: Math.round((100 * requestBudget.usedLastHour) / requestBudget.perHour),
        };
  if (budget && budget.used >= budget.perHour)
    reasons.push(
      `request budget spent (${budget.used} of ${budget.perHour} calls in the last hour): calls wait`,
    );
  const base = {
    circuit,
    budget,
    reasons,
    pulls,
    streams,
    pollEvery: pulls && interval ? duration(interval) : null,
    nextPollAt: pulls && view.nextPollAt ? new Date(view.nextPollAt) : null,
    activity,
  };
  if (!view.enabled) return { ...base, state: 'off', label: 'Disabled' };
  if (paused) return { ...base, state: 'bad', label: 'Paused' };
  if (failing.length > 0) return { ...base, state: 'bad', label: 'Failing' };
  if (reasons.length > 0) return { ...base, state: 'warn', label: 'Needs a look' };
  if (pulls && streams.every((s) => !s.lastSuccessAt))
    return { ...base, state: 'new', label: 'Not polled yet' };
  return { ...base, state: 'ok', label: 'Healthy' };
}

export interface CheckLine {
  capability: string;
  status: string;
  detail?: string;
}

/** The outcome of "Test connection" (the service's check), worded for the page. */
export interface CheckView {
  state: 'ok' | 'bad' | 'warn';
  summary: string;
  lines: CheckLine[];
}

export function checkView(
  report: Record<string, { status: string; detail?: string } | undefined>,
): CheckView {
  const lines = Object.entries(report)
    .filter((e): e is [string, { status: string; detail?: string }] => Boolean(e[1]))
    .map(([capability, r]) => ({
      capability,
      status: r.status,
      ...(r.detail ? { detail: clip(r.detail) ?? undefined } : {}),
    }));
  if (lines.length === 0)
    return { state: 'warn', summary: 'The connector reported nothing it could check.', lines };
  const bad = lines.filter((l) => l.status !== 'ok');
  if (bad.length === 0)
    return {
      state: 'ok',
      summary: `Connection works: ${lines.length} of ${lines.length} checks passed.`,
      lines,
    };
  return {
    state: 'bad',
    summary: `${bad.length} of ${lines.length} checks failed: ${bad.map((l) => l.capability).join(', ')}.`,
    lines,
  };
}
