import {
  type ArgumentMetadata,
  BadRequestException,
  Injectable,
  type PipeTransform,
} from '@nestjs/common';
import { hasUnstorableChar } from './storable';

/** The first path in `value` holding a string PostgreSQL cannot store, or undefined. */
function unstorableAt(value: unknown, at: string, depth = 0): string | undefined {
  if (typeof value === 'string') return hasUnstorableChar(value) ? at : undefined;
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  for (const [k, v] of Object.entries(value)) {
    const path = at ? `${at}.${k}` : k;
    if (hasUnstorableChar(k)) return path;
    const found = unstorableAt(v, path, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Runs before every other pipe on every route parameter taken from the request: a NUL or a
 * lone surrogate anywhere is a 400 naming the field, and a query parameter declared as one
 * string may not arrive as a list or an object (`?q=a&q=b`, `?q[x]=1`).
 */
@Injectable()
export class SafeInputPipe implements PipeTransform {
  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (meta.type === 'custom' || value === undefined) return value;
    const name = meta.data ?? (meta.type === 'body' ? 'body' : meta.type);
    if (meta.type === 'query' && meta.data && typeof value !== 'string')
      throw new BadRequestException(`${name}: must be given once, as a single value`);
    const bad = unstorableAt(value, meta.data ?? '');
    if (bad !== undefined)
      throw new BadRequestException(
        `${bad || name}: contains a NUL character or an invalid Unicode surrogate`,
      );
    return value;
  }
}
