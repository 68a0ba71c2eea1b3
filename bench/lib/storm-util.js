/* bench/lib/storm-util: small helpers of bench/storm (statistics, HTTP, /metrics, /proc). */
const http = require('node:http');
const { readFileSync } = require('node:fs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile of an ascending list (undefined when empty). */
function pct(sorted, p) {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

const ms = (v) => (v === undefined ? '—' : v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
const sec = (v) => (v === undefined || v === null ? '—' : `${(v / 1000).toFixed(2)} s`);
const mb = (kb) => (kb === undefined || kb === null ? '—' : `${(kb / 1024).toFixed(0)} MB`);

/** VmRSS of a process in kB, or null when it is gone. */
function rssKb(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * One POST over a keep-alive agent. Resolves { status, body, retryAfter } or { error }; never
 * rejects. `timeoutMs` bounds the whole exchange.
 */
function post(agent, url, headers, payload, timeoutMs) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (v) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        resolve(v);
      }
    };
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          finish({
            status: res.statusCode,
            body: Buffer.concat(chunks).toString('utf8'),
            retryAfter: res.headers['retry-after'],
          }),
        );
        res.on('error', (err) => finish({ error: err.message }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err) => finish({ error: err.message }));
    req.end(payload);
  });
}

/** Prometheus text → Map of `name{labels}` → number (labels as written). */
function parseMetrics(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?)\s+(\S+)/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

/** Sum of every series of `name` whose labels include all of `labels` ({k: v}). */
function metricSum(metrics, name, labels = {}) {
  let sum = 0;
  for (const [key, value] of metrics) {
    const m = /^([^{]+)(?:\{(.*)\})?$/.exec(key);
    if (!m || m[1] !== name) continue;
    const have = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`))) sum += value;
  }
  return sum;
}

/**
 * Quantile from a Prometheus histogram (cumulative `le` buckets summed over series matching
 * `labels`): the upper bound of the bucket the quantile falls in, as "≤ x s".
 */
function histogramQuantile(metrics, name, q, labels = {}) {
  const buckets = new Map();
  for (const [key, value] of metrics) {
    const m = /^([^{]+)\{(.*)\}$/.exec(key);
    if (!m || m[1] !== `${name}_bucket`) continue;
    if (!Object.entries(labels).every(([k, v]) => m[2].includes(`${k}="${v}"`))) continue;
    const le = /le="([^"]+)"/.exec(m[2])?.[1];
    if (le === undefined) continue;
    buckets.set(le, (buckets.get(le) ?? 0) + value);
  }
  const sorted = [...buckets.entries()]
    .map(([le, n]) => [le === '+Inf' ? Infinity : Number(le), n])
    .sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return { count: 0, bound: undefined };
  const found = sorted.find(([, n]) => n >= q * total);
  const finite = sorted.filter(([le]) => le !== Infinity);
  return { count: total, bound: found?.[0], lastFinite: finite.at(-1)?.[0] };
}

/** A plain text table: rows of cells, the first row the header; right-aligned numbers. */
function table(rows, indent = '  ') {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map(
      (r) =>
        indent +
        r
          .map((cell, c) =>
            c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]),
          )
          .join('  '),
    )
    .join('\n');
}

module.exports = {
  sleep,
  pct,
  ms,
  sec,
  mb,
  rssKb,
  post,
  parseMetrics,
  metricSum,
  histogramQuantile,
  table,
};

/** utime + stime of a process in clock ticks (1/100 s on Linux), or null when it is gone. */
function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

module.exports.cpuTicks = cpuTicks;

/**
 * Nanoseconds the process's main thread (Node's event loop) has spent waiting for a CPU while
 * runnable (/proc/<pid>/schedstat, second field), or null. Shows a machine short of CPU.
 */
function runQueueWaitNs(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
  } catch {
    return null;
  }
}

module.exports.runQueueWaitNs = runQueueWaitNs;
