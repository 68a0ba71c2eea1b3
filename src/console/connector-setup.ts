import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultTemplatesDir } from '../rendering/renderer';
import { FENCE, HEADING, inline, parseBlocks, type Block, type Span } from './connector-markdown';

/** One part of a connector's README that tells an admin what to do on the vendor's side. */
export interface SetupSection {
  title: Span[];
  blocks: Block[];
}

export interface SetupSteps {
  /** Where they come from, for the page to name: `connectors/<kind>/README.md`. */
  source: string;
  sections: SetupSection[];
}

/**
 * The README sections about the vendor side: setting it up, how it authenticates us, where its
 * webhooks or callbacks go. Each connector's README already holds these steps (README.md asks
 * for them), so the console shows them rather than keeping a second copy that would drift.
 */
const SETUP_HEADING = /\b(set ?up|setup|install\w*|webhooks?|callbacks?|authentication)\b/i;

export function setupSections(markdown: string): SetupSection[] {
  const lines = markdown.split(/\r?\n/);
  const headings: { line: number; level: number; title: string }[] = [];
  let fence: string | null = null;
  lines.forEach((text, line) => {
    const f = FENCE.exec(text);
    if (f) fence = fence === null ? f[2] : text.trim().startsWith(fence) ? null : fence;
    const h = fence === null ? HEADING.exec(text) : null;
    if (h) headings.push({ line, level: h[1].length, title: h[2] });
  });
  const sections: SetupSection[] = [];
  let taken = -1;
  headings.forEach((h, n) => {
    // The document title (level 1) is not a section; a subsection of a taken one is in it.
    if (h.level < 2 || h.line < taken || !SETUP_HEADING.test(h.title)) return;
    const end = headings.slice(n + 1).find((x) => x.level <= h.level)?.line ?? lines.length;
    sections.push({ title: inline(h.title), blocks: parseBlocks(lines.slice(h.line + 1, end)) });
    taken = end;
  });
  return sections;
}

const KIND = /^[a-z0-9][a-z0-9-]*$/;

/** The setup steps of each kind, read once from the connectors' folders. */
export class ConnectorSetupSteps {
  private readonly cache = new Map<string, SetupSteps>();

  constructor(private readonly root = resolve(defaultTemplatesDir(), '..')) {}

  for(kind: string): SetupSteps {
    const hit = this.cache.get(kind);
    if (hit) return hit;
    const source = `connectors/${kind}/README.md`;
    const file = join(this.root, 'connectors', kind, 'README.md');
    // The kind comes from the registry; the pattern only makes a path out of it impossible.
    const sections =
      KIND.test(kind) && existsSync(file) ? setupSections(readFileSync(file, 'utf8')) : [];
    const steps = { source, sections };
    this.cache.set(kind, steps);
    return steps;
  }
}
