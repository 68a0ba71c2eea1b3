/*
 * bench/lib/storm-profile: reads the .cpuprofile the service wrote (node --cpu-prof) and says
 * where its CPU went within a wall-clock window: by package or source folder, and the functions
 * with the most self time.
 */
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

function where(url) {
  if (!url) return null;
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (mod) return mod[1];
  const own = /\/dist\/((?:src|connectors)\/[^/]+)/.exec(url);
  if (own) return own[1];
  if (url.startsWith('node:')) return 'node internals';
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

function shortUrl(url) {
  if (!url) return '';
  const mod = /node_modules\/(.*)$/.exec(url);
  if (mod) return mod[1];
  const own = /\/dist\/(.*)$/.exec(url);
  if (own) return own[1];
  return url.replace(/^file:\/\//, '');
}

/**
 * `dir`: where the profile was written; `exitWall`: epoch ms the process exited (the profile's
 * end); `from`/`to`: the window in epoch ms. Returns { total, byArea, byFunction } in ms, or null.
 */
function summarizeProfile(dir, exitWall, from, to) {
  let file;
  try {
    file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  } catch {
    return null;
  }
  if (!file) return null;
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byArea = new Map();
  const byFunction = new Map();
  let total = 0;
  let idle = 0;
  let t = profile.startTime;
  const add = (map, key, v) => map.set(key, (map.get(key) ?? 0) + v);
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const wall = exitWall - (profile.endTime - t) / 1000;
    if (wall < from || wall > to) continue;
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i]) / 1000;
    const node = nodes.get(profile.samples[i]);
    const f = node.callFrame;
    if (f.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    total += dt;
    const area =
      where(f.url) ?? (f.functionName.startsWith('(') ? f.functionName : 'node/V8 builtins');
    add(byArea, area, dt);
    add(
      byFunction,
      `${f.functionName || '(anonymous)'}${f.url ? `  ${shortUrl(f.url)}:${f.lineNumber + 1}` : ''}`,
      dt,
    );
  }
  return { total, idle, byArea, byFunction };
}

module.exports = { summarizeProfile };
