/**
 * A small Markdown reader for the connectors' READMEs: headings, paragraphs, lists (nested),
 * fenced code, pipe tables and inline code, bold, italics and links. It returns plain data, not
 * HTML: the Handlebars partials render it with escaping, so a README can never inject markup.
 */

export interface Span {
  text: string;
  code?: true;
  strong?: true;
  em?: true;
  /** Only absolute http(s) addresses; a repository-relative link is shown as text. */
  href?: string;
}

export type Block =
  | { kind: 'heading'; level: number; spans: Span[] }
  | { kind: 'paragraph'; spans: Span[] }
  | { kind: 'code'; text: string }
  | { kind: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { kind: 'table'; head: Span[][]; rows: Span[][][] };

const INLINE =
  /(`+)(.+?)\1(?!`)|\*\*(.+?)\*\*|\*([^*\s](?:[^*]*[^*\s])?)\*|\[([^\]]+)\]\(([^)\s]+)\)|<(https?:\/\/[^>\s]+)>/g;
const ESCAPED = /\\([\\`*_{}[\]()#+\-.!|<>])/g;

type Flags = Omit<Span, 'text'>;

function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function pushText(spans: Span[], text: string, flags: Flags): void {
  if (!text) return;
  const last = spans[spans.length - 1];
  const same =
    last &&
    last.code === flags.code &&
    last.strong === flags.strong &&
    last.em === flags.em &&
    last.href === flags.href;
  if (same) last.text += text;
  else spans.push({ text, ...flags });
}

/** One line of inline Markdown as spans of text with their formatting. */
export function inline(text: string, flags: Flags = {}, spans: Span[] = []): Span[] {
  let at = 0;
  for (const m of text.matchAll(INLINE)) {
    pushText(spans, text.slice(at, m.index).replace(ESCAPED, '$1'), flags);
    at = m.index + m[0].length;
    if (m[2] !== undefined) pushText(spans, m[2].trim(), { ...flags, code: true });
    else if (m[3] !== undefined) inline(m[3], { ...flags, strong: true }, spans);
    else if (m[4] !== undefined) inline(m[4], { ...flags, em: true }, spans);
    else if (m[5] !== undefined) {
      const href = safeHref(m[6]);
      inline(m[5], href ? { ...flags, href } : flags, spans);
    } else if (m[7] !== undefined) {
      const href = safeHref(m[7]);
      pushText(spans, m[7], href ? { ...flags, href } : flags);
    }
  }
  pushText(spans, text.slice(at).replace(ESCAPED, '$1'), flags);
  return spans;
}

export const FENCE = /^(\s*)(```|~~~)/;
export const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

const indentOf = (line: string) => line.length - line.trimStart().length;
const blank = (line: string | undefined) => line !== undefined && line.trim() === '';

function tableStarts(lines: string[], i: number): boolean {
  return lines[i].trim().startsWith('|') && TABLE_RULE.test(lines[i + 1] ?? '');
}

function startsBlock(lines: string[], i: number): boolean {
  return (
    FENCE.test(lines[i]) ||
    HEADING.test(lines[i]) ||
    LIST_ITEM.test(lines[i]) ||
    tableStarts(lines, i)
  );
}

function cells(row: string): Span[][] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => inline(cell.trim()));
}

/** Code until the closing fence, without the fence's indentation. */
function readCode(lines: string[], i: number): [Block, number] {
  const [, indent, fence] = FENCE.exec(lines[i])!;
  const body: string[] = [];
  let j = i + 1;
  while (j < lines.length && !lines[j].trim().startsWith(fence)) {
    body.push(lines[j].slice(Math.min(indent.length, indentOf(lines[j]))));
    j++;
  }
  return [{ kind: 'code', text: body.join('\n') }, j + 1];
}

function readTable(lines: string[], i: number): [Block, number] {
  const head = cells(lines[i]);
  const rows: Span[][][] = [];
  let j = i + 2;
  while (j < lines.length && lines[j].trim().startsWith('|')) rows.push(cells(lines[j++]));
  return [{ kind: 'table', head, rows }, j];
}

function sameList(line: string | undefined, indent: number, ordered: boolean): boolean {
  const m = line === undefined ? null : LIST_ITEM.exec(line);
  return Boolean(m && m[1].length === indent && /\d/.test(m[2]) === ordered);
}

/** The lines of one list item, from its marker to where the next item or block starts. */
function readItem(lines: string[], i: number, indent: number): [string[], number] {
  const m = LIST_ITEM.exec(lines[i])!;
  const content = m[0].length - m[3].length;
  const body = [m[3]];
  let j = i + 1;
  while (j < lines.length) {
    const line = lines[j];
    if (blank(line)) {
      let k = j;
      while (blank(lines[k])) k++;
      // A blank line ends the item unless what follows is indented into it.
      if (k < lines.length && indentOf(lines[k]) >= content) {
        body.push(...lines.slice(j, k).map(() => ''));
        j = k;
        continue;
      }
      break;
    }
    const lead = indentOf(line);
    if (lead >= content) body.push(line.slice(content));
    else if (LIST_ITEM.test(line) && lead > indent) body.push(line.slice(lead));
    else if (LIST_ITEM.test(line) || startsBlock(lines, j)) break;
    else body.push(line.trim());
    j++;
  }
  return [body, j];
}

function readList(lines: string[], i: number): [Block, number] {
  const first = LIST_ITEM.exec(lines[i])!;
  const indent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const items: Block[][] = [];
  let j = i;
  for (;;) {
    const [body, next] = readItem(lines, j, indent);
    items.push(parseBlocks(body));
    let k = next;
    while (blank(lines[k])) k++;
    if (!sameList(lines[k], indent, ordered)) {
      j = next;
      break;
    }
    j = k;
  }
  return [{ kind: 'list', ordered, start: ordered ? parseInt(first[2], 10) : 1, items }, j];
}

/** Markdown lines as blocks. */
export function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let read: [Block, number] | null = null;
    const heading = HEADING.exec(line);
    if (blank(line)) {
      i++;
      continue;
    } else if (FENCE.test(line)) read = readCode(lines, i);
    else if (heading)
      read = [{ kind: 'heading', level: heading[1].length, spans: inline(heading[2]) }, i + 1];
    else if (tableStarts(lines, i)) read = readTable(lines, i);
    else if (LIST_ITEM.test(line)) read = readList(lines, i);
    if (read) {
      blocks.push(read[0]);
      i = read[1];
      continue;
    }
    const text: string[] = [line.trim()];
    i++;
    while (i < lines.length && !blank(lines[i]) && !startsBlock(lines, i))
      text.push(lines[i++].trim());
    blocks.push({ kind: 'paragraph', spans: inline(text.join(' ')) });
  }
  return blocks;
}
