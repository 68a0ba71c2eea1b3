import { createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundRequest } from '../contract/connector';

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Switchboard's own scheme for tools that sign nothing: the instance secret as the
 * `X-Switchboard-Token` header or the `token` query parameter.
 */
export function hasSwitchboardToken(req: InboundRequest, secret: string | undefined): boolean {
  if (!secret) return false;
  const given = req.headers['x-switchboard-token'] ?? req.query['token'];
  return typeof given === 'string' && safeEqual(given, secret);
}

export function hmacSha256Hex(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
