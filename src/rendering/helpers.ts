import type Handlebars from 'handlebars';

/**
 * Template helpers: formatting only, so wording stays in the .hbs files an MSP can override.
 * Handlebars appends its options object to every call, so optional arguments are checked
 * by type rather than by position.
 */

type Env = typeof Handlebars;

const ELLIPSIS = '...'; // ASCII: some helpdesks count bytes, not characters, in summaries

function isOptions(value: unknown): value is Handlebars.HelperOptions {
  return typeof value === 'object' && value !== null && 'hash' in value && 'data' in value;
}

/** A missing optional argument arrives as Handlebars' options object: treat it as empty. */
function text(value: unknown): string {
  return value === null || value === undefined || isOptions(value) ? '' : String(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function join(values: unknown, separator?: unknown): string {
  const sep = typeof separator === 'string' ? separator : ', ';
  return list(values).map(text).join(sep);
}

/** ['A', 'B'] → "'A', 'B'": service names quoted as Windows admins write them. */
export function quoteList(values: unknown): string {
  return list(values)
    .map((v) => `'${text(v)}'`)
    .join(', ');
}

/** The `key` of every object in a list: (pluck patches "id") → ['KB1', 'KB2']. */
export function pluck(values: unknown, key: unknown): unknown[] {
  if (typeof key !== 'string') return [];
  return list(values).map((v) =>
    typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined,
  );
}

/** ISO → 'YYYY-MM-DD HH:mm UTC'; an unparsable value is shown as is rather than failing a note. */
export function time(iso: unknown): string {
  if (typeof iso !== 'string' || iso === '') return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Whole minutes between two ISO times: '42 min', '1 h 4 min', '2 d 3 h'. */
export function duration(fromIso: unknown, toIso: unknown): string {
  const from = typeof fromIso === 'string' ? Date.parse(fromIso) : NaN;
  const to = typeof toIso === 'string' ? Date.parse(toIso) : NaN;
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) return '';
  const minutes = Math.round((to - from) / 60000);
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor(minutes / 60) % 24, minutes % 60];
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
}

/** The word for a count or a list's length: (plural failedServices "Service" "Services"). */
export function plural(count: unknown, singular: unknown, pluralForm: unknown): string {
  const n = Array.isArray(count) ? count.length : Number(count);
  return n === 1 ? text(singular) : text(pluralForm);
}

/** 0..1 → '90%'. */
export function percent(ratio: unknown): string {
  const n = Number(ratio);
  return Number.isFinite(n) ? `${Math.round(n * 100)}%` : '';
}

export function truncate(value: unknown, max: unknown): string {
  const s = text(value);
  const limit = Number(max);
  if (!Number.isFinite(limit) || s.length <= limit) return s;
  if (limit <= ELLIPSIS.length) return s.slice(0, Math.max(0, limit));
  return s.slice(0, limit - ELLIPSIS.length).trimEnd() + ELLIPSIS;
}

/** before + value + after, or nothing when value is empty: (wrap " (" client.name ")"). */
export function wrap(before: unknown, value: unknown, after: unknown): string {
  const s = text(value);
  return s === '' ? '' : `${text(before)}${s}${text(after)}`;
}

/**
 * A sentence used as a clause inside another one: trailing stops dropped, first letter
 * lowered unless the word looks like an acronym or id ('KB5034441', 'SQL').
 */
export function clause(value: unknown): string {
  const s = text(value)
    .trim()
    .replace(/[.!]+$/, '');
  return /^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s;
}

/** A value ending with exactly one full stop, for sentences that come from data. */
export function sentence(value: unknown): string {
  const s = text(value).trim();
  return s === '' || /[.!?]$/.test(s) ? s : `${s}.`;
}

/**
 * One line of at most `max` characters: prefix + block + suffix, where only the block is
 * shortened, so the product tag and the client stay readable in a helpdesk list.
 */
export function fitLine(max: number, prefix: string, body: string, suffix: string): string {
  const middle = body.replace(/\s+/g, ' ').trim();
  const budget = max - prefix.length - suffix.length;
  if (budget <= ELLIPSIS.length) return truncate(`${prefix}${middle}${suffix}`, max);
  return `${prefix}${truncate(middle, budget)}${suffix}`;
}

export function registerHelpers(hbs: Env): void {
  const plain = { join, quoteList, pluck, time, duration, plural, percent, truncate, wrap };
  for (const [name, fn] of Object.entries(plain)) hbs.registerHelper(name, fn);
  hbs.registerHelper('clause', clause);
  hbs.registerHelper('sentence', sentence);
  // {{#fit 99 prefix="[Switchboard] " suffix=(wrap " (" client.name ")")}}...{{/fit}}
  hbs.registerHelper('fit', function (this: unknown, max: unknown, options: unknown): string {
    if (!isOptions(options)) throw new Error('fit is a block helper: {{#fit 99}}...{{/fit}}');
    const hash = options.hash as Record<string, unknown>;
    return fitLine(Number(max), text(hash.prefix), options.fn(this), text(hash.suffix));
  });
}
