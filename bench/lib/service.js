/*
 * bench/lib/service: waiting for a service process the bench started.
 */

/** Resolves with the ms it took /ready to answer 200; fails if the process exits first. */
async function waitReady(url, child, timeoutMs = 120_000) {
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error('service exited');
    try {
      if ((await fetch(`${url}/ready`)).ok) return Date.now() - t0;
    } catch {
      /* not up yet */
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`service not ready in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

module.exports = { waitReady };
