/** Limits every JSON body must keep before it is parsed (webhooks and the API alike). */
export interface JsonLimits {
  maxDepth: number;
  maxKeys: number;
}

export const JSON_LIMITS: Readonly<JsonLimits> = { maxDepth: 64, maxKeys: 50_000 };

export class JsonBodyError extends Error {}

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/**
 * Parses a JSON body after one linear scan that bounds nesting and the number of keys, so a
 * hostile body fails here with a 400 instead of overflowing the stack of whatever walks the
 * value later (serialization, validation, hashing).
 */
export function parseJsonBody(text: string, limits: JsonLimits = JSON_LIMITS): unknown {
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limits.maxDepth)
        throw new JsonBodyError(`body: nested deeper than ${limits.maxDepth} levels`);
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
    else if (c === COLON && ++keys > limits.maxKeys)
      throw new JsonBodyError(`body: more than ${limits.maxKeys} keys`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new JsonBodyError(`body: malformed JSON (${(err as Error).message})`);
  }
}
