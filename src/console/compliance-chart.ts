import { RISK_LEVELS, type RiskLevel } from '../compliance/compliance-settings';

/** One day of the trend, as ComplianceService.trend answers it. */
export interface TrendPoint {
  day: string;
  devices: number;
  compliantPercent: number;
  byRisk: Record<string, number>;
}

export interface ChartBar {
  x: number;
  day: string;
  devices: number;
  compliantPercent: number;
  riskText: string;
  label: string;
  segments: { level: RiskLevel; y: number; height: number; count: number }[];
}

/** A stacked bar per day, drawn by templates/console/partials/compliance-trend.hbs as SVG. */
export interface TrendChart {
  width: number;
  height: number;
  /** The SVG's whole size: the plot plus room for the axis labels. */
  outerWidth: number;
  outerHeight: number;
  barWidth: number;
  bars: ChartBar[];
  axis: { y: number; label: string }[];
  first: string | null;
  last: string | null;
  /** One sentence a screen reader reads instead of the picture. */
  summary: string;
}

const WIDTH = 720;
const HEIGHT = 160;
const DAYS = 30;

/**
 * The last 30 days of compliance as stacked bars: each day's devices by risk, as a share of
 * that day's devices (so a client that grows does not look worse). Days without a snapshot
 * stay empty rather than being guessed. Drawn on the server, so no chart library is needed
 * for thirty bars.
 */
export function trendChart(points: TrendPoint[], today = new Date()): TrendChart {
  const byDay = new Map(points.map((p) => [p.day, p]));
  const slot = WIDTH / DAYS;
  const barWidth = Math.max(4, Math.floor(slot) - 4);
  const bars: ChartBar[] = [];
  for (let i = 0; i < DAYS; i++) {
    const day = new Date(today.getTime() - (DAYS - 1 - i) * 86_400_000).toISOString().slice(0, 10);
    const point = byDay.get(day);
    if (!point || point.devices === 0) continue;
    let y = HEIGHT;
    const segments = [...RISK_LEVELS].reverse().flatMap((level) => {
      const count = point.byRisk[level] ?? 0;
      if (count === 0) return [];
      const height = (HEIGHT * count) / point.devices;
      y -= height;
      return [{ level, y: round(y), height: round(height), count }];
    });
    const riskText = RISK_LEVELS.map((l) => `${point.byRisk[l] ?? 0} ${l}`).join(', ');
    bars.push({
      x: round(i * slot + 2),
      day,
      devices: point.devices,
      compliantPercent: point.compliantPercent,
      riskText,
      label: `${day}: ${point.compliantPercent}% compliant of ${point.devices} devices (${riskText})`,
      segments,
    });
  }
  const known = points.filter((p) => p.devices > 0);
  const first = known[0] ?? null;
  const last = known[known.length - 1] ?? null;
  return {
    width: WIDTH,
    height: HEIGHT,
    outerWidth: WIDTH + 40,
    outerHeight: HEIGHT + 12,
    barWidth,
    bars,
    axis: [0, 50, 100].map((pct) => ({
      y: round(HEIGHT - (HEIGHT * pct) / 100),
      label: `${pct}%`,
    })),
    first: first?.day ?? null,
    last: last?.day ?? null,
    summary:
      !first || !last
        ? 'No daily snapshot yet: the scheduled job takes one a day (checked every hour).'
        : first === last
          ? `Compliant devices: ${last.compliantPercent}% on ${last.day}, the first daily snapshot.`
          : `Compliant devices: ${first.compliantPercent}% on ${first.day}, ${last.compliantPercent}% on ${last.day} (${known.length} daily snapshots).`,
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
