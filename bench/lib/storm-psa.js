/*
 * bench/lib/storm-psa: the PSA of bench/storm — the ConnectWise Manage stand-in the demo uses
 * (connectors/connectwise-manage/stand-in, built into dist/), HTTPS with a throw-away
 * certificate, every answer held back by a fixed latency, and every call recorded: the moment
 * each create-ticket request arrived and its summary, calls per route, the most calls it had in
 * flight at once.
 */
const { mkdtempSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const DIST = join(__dirname, '..', '..', 'dist');

function load(rel) {
  try {
    return require(join(DIST, rel));
  } catch (err) {
    throw new Error(
      `bench/storm: cannot load ${rel} from dist/ (run npm run build): ${err.message}`,
    );
  }
}

/** Route of a Manage REST path, ids replaced: "POST /service/tickets/{id}/notes". */
function routeOf(method, path) {
  const rest = path.replace(/^\/[A-Za-z0-9_.-]+\/apis\/3\.0/, '').replace(/\/$/, '');
  return `${method} ${rest.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
}

/**
 * Starts the stand-in on 127.0.0.1 with `latencyMs` added to every answer.
 * Returns { standIn, url, settings, caFile, creates, calls, maxInFlight(), stop() }.
 */
async function startPsa({ latencyMs }) {
  const { ConnectWiseManageStandIn } = load(
    'connectors/connectwise-manage/stand-in/connectwise-manage.stand-in.js',
  );
  const { MONITORING_BOARD } = load(
    'connectors/connectwise-manage/stand-in/connectwise-manage.state.js',
  );
  const { selfSignedCertificate } = load('connectors/shared/stand-in/tls.js');

  /** Every POST /service/tickets as it arrived: { at (epoch ms), summary }. */
  const creates = [];
  /** Calls by route: { n, totalMs } (answer time including the added latency). */
  const calls = new Map();
  let inFlight = 0;
  let maxInFlight = 0;

  // The stand-in answers synchronously from its own handle(); the bench wraps that one method
  // (JavaScript has no private methods here) so the stand-in itself stays as the demo uses it.
  const proto = ConnectWiseManageStandIn.prototype;
  if (typeof proto.handle !== 'function') {
    throw new Error('bench/storm: the ConnectWise Manage stand-in has no handle() to wrap');
  }
  if (!proto.__benchWrapped) {
    const original = proto.handle;
    proto.handle = async function (req) {
      const t0 = Date.now();
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const route = routeOf(req.method, req.path);
      if (route === 'POST /service/tickets') {
        let summary = '';
        try {
          summary = String(JSON.parse(req.body.toString('utf8')).summary ?? '');
        } catch {
          /* the stand-in answers 400 for it */
        }
        creates.push({ at: t0, summary });
      }
      try {
        if (this.__latencyMs > 0) await new Promise((r) => setTimeout(r, this.__latencyMs));
        return original.call(this, req);
      } finally {
        inFlight--;
        const c = calls.get(route) ?? { n: 0, totalMs: 0 };
        c.n++;
        c.totalMs += Date.now() - t0;
        calls.set(route, c);
      }
    };
    proto.__benchWrapped = true;
  }

  const tls = selfSignedCertificate();
  const dir = mkdtempSync(join(tmpdir(), 'sb-storm-psa-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, tls.cert);
  const standIn = await ConnectWiseManageStandIn.start({ tls });
  standIn.__latencyMs = latencyMs;
  const cw = standIn.credentials;
  const settings = {
    site: new URL(standIn.url).host,
    codebase: 'v4_6_release/',
    companyId: cw.companyId,
    publicKey: cw.publicKey,
    privateKey: cw.privateKey,
    clientId: cw.clientId,
    apiVersion: '2025.1',
    boardId: MONITORING_BOARD,
    closedStatusName: '>Closed',
    noteType: 'internal',
    defaultCompanyIdentifier: 'MSPCATCH',
    priorityLowId: 12,
    priorityMediumId: 8,
    priorityHighId: 4,
    priorityCriticalId: 2,
  };
  return {
    standIn,
    url: standIn.url,
    settings,
    caFile,
    creates,
    calls,
    board: MONITORING_BOARD,
    maxInFlight: () => maxInFlight,
    /** Tickets Switchboard opened (the Monitoring board). */
    tickets: () => standIn.tickets().filter((t) => t.board.id === MONITORING_BOARD),
    stop: async () => {
      await standIn.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startPsa, routeOf };
