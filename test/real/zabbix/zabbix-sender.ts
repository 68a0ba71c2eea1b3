import { connect } from 'node:net';

/**
 * Minimal Zabbix sender (the protocol `zabbix_sender` speaks; Debian 12 ships no package for
 * it): "ZBXD" + flag 0x01, 8-byte little-endian length, then JSON.
 */
export interface SenderValue {
  host: string;
  key: string;
  value: string | number;
}

export interface SenderResult {
  response: string;
  processed: number;
  failed: number;
  info: string;
}

const HEADER = Buffer.from('ZBXD\x01', 'binary');

export function encodeSenderRequest(values: SenderValue[]): Buffer {
  const data = values.map((v) => ({ host: v.host, key: v.key, value: String(v.value) }));
  const json = Buffer.from(JSON.stringify({ request: 'sender data', data }), 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([HEADER, length, json]);
}

export function decodeSenderResponse(frame: Buffer): SenderResult {
  if (frame.length < 13 || !frame.subarray(0, 5).equals(HEADER))
    throw new Error('zabbix sender: the answer has no ZBXD header');
  const length = Number(frame.readBigUInt64LE(5));
  const body = JSON.parse(frame.subarray(13, 13 + length).toString('utf8')) as {
    response?: string;
    info?: string;
  };
  const info = body.info ?? '';
  const count = (name: string) => Number(new RegExp(`${name}: (\\d+)`).exec(info)?.[1] ?? 0);
  return {
    response: body.response ?? '',
    processed: count('processed'),
    failed: count('failed'),
    info,
  };
}

/** Sends values to a trapper port; resolves with the server's verdict. */
export function sendValues(
  target: { host: string; port: number },
  values: SenderValue[],
  timeoutMs = 5000,
): Promise<SenderResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(target.port, target.host);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('zabbix sender: timed out')));
    socket.on('connect', () => socket.write(encodeSenderRequest(values)));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        resolve(decodeSenderResponse(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/**
 * The server learns about a new trapper item only at its next configuration sync: until then it
 * answers "processed: 0; failed: 1". Retry until the value is taken or the deadline passes.
 */
export async function sendUntilProcessed(
  target: { host: string; port: number },
  value: SenderValue,
  deadlineMs = 60_000,
): Promise<SenderResult> {
  const until = Date.now() + deadlineMs;
  let last: SenderResult | undefined;
  while (Date.now() < until) {
    last = await sendValues(target, [value]);
    if (last.processed === 1) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`zabbix sender: value not processed within ${deadlineMs} ms (${last?.info})`);
}
