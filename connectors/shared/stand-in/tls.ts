import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { globalAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { TlsMaterial } from './http-kit';

/**
 * A throw-away self-signed certificate for 127.0.0.1, made with node:crypto alone.
 *
 * Why TLS at all: the real NinjaOne settings accept only an https:// baseUrl, and the real
 * ConnectWise client always builds https:// URLs. The connectors must talk to the stand-ins
 * unchanged, so those two stand-ins speak HTTPS. Why hand-built DER: Node can sign but has no
 * certificate builder, and no npm dependency or openssl binary is wanted for a demo. The key
 * lives in memory only and the certificate expires in a week.
 */

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...content: Buffer[]): Buffer => tlv(0x30, ...content);
const set = (...content: Buffer[]): Buffer => tlv(0x31, ...content);
const octets = (content: Buffer): Buffer => tlv(0x04, content);
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);
const TRUE = tlv(0x01, Buffer.from([0xff]));

/** A non-negative INTEGER from big-endian bytes. */
function integer(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && b[1] < 0x80) b = b.subarray(1);
  return tlv(0x02, b[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const out = [40 * first + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime YYMMDDHHMMSSZ (fine until 2049). */
function utcTime(at: Date): Buffer {
  const iso = at.toISOString();
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

function pem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export function selfSignedCertificate(now: Date = new Date()): TlsMaterial {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const name = sequence(
    set(sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from('Switchboard demo stand-ins')))),
  );
  // subjectAltName IP 127.0.0.1 and DNS localhost: Node checks the IP SAN for https://127.0.0.1.
  const altNames = sequence(
    tlv(0x87, Buffer.from([127, 0, 0, 1])),
    tlv(0x82, Buffer.from('localhost')),
  );
  const extensions = explicit(
    3,
    sequence(
      sequence(oid('2.5.29.19'), TRUE, octets(sequence(TRUE))),
      sequence(oid('2.5.29.17'), octets(altNames)),
    ),
  );
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(randomBytes(16)),
    ecdsaWithSha256,
    name,
    sequence(
      utcTime(new Date(now.getTime() - 3_600_000)),
      utcTime(new Date(now.getTime() + 7 * 86_400_000)),
    ),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = pem(sequence(tbs, ecdsaWithSha256, tlv(0x03, Buffer.from([0]), signature)));
  new X509Certificate(cert); // fail here, not in a TLS handshake, if the encoding is wrong
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert };
}

/**
 * Demo only: makes every HTTPS request of this process that uses Node's global agent (axios
 * from createHttp() does) trust `ca` as well as the public roots. Returns the undo. A process
 * started separately can get the same with NODE_EXTRA_CA_CERTS=<file holding ca>.
 */
export function trustInThisProcess(ca: string): () => void {
  const previous = globalAgent.options.ca;
  globalAgent.options.ca = [...rootCertificates, ca];
  return () => {
    globalAgent.options.ca = previous;
  };
}
