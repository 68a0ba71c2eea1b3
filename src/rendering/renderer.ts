import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import Handlebars from 'handlebars';
import { registerHelpers } from './helpers';
import type { IncidentView } from './incident-view';

export const TEMPLATE_NAMES = [
  'alert-note/opened',
  'alert-note/updated',
  'alert-note/resolved',
  'ticket/summary',
  'ticket/description',
  'ticket/note-updated',
  'ticket/note-resolved',
  'ticket/note-linked',
  'ticket/note-recurred',
  'paging/message',
] as const;

export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export interface TemplateRendererOptions {
  /** The shipped templates: the repo's templates/ folder. */
  baseDir: string;
  /** An MSP's own folder: a same-named file replaces the shipped one, partials included. */
  overrideDir?: string;
}

/** The repo's templates/ folder, from src/rendering (ts-jest) or dist/src/rendering (build). */
export function defaultTemplatesDir(): string {
  const candidates = [
    resolve(__dirname, '../../templates'),
    resolve(__dirname, '../../../templates'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'alert-note'))) ?? candidates[0];
}

// Names come from code, but a stray '../' must never read outside the template folders.
const SAFE_NAME = /^[a-z0-9-]+\/[a-z0-9-]+$/;

/** Text for alert notes and tickets. Plain text, so nothing is HTML-escaped. */
export class TemplateRenderer {
  private readonly hbs = Handlebars.create();
  private readonly cache = new Map<string, Handlebars.TemplateDelegate<IncidentView>>();
  private partialsLoaded = false;

  constructor(private readonly options: TemplateRendererOptions) {
    registerHelpers(this.hbs);
  }

  render(name: TemplateName, view: IncidentView): string {
    const template = this.cache.get(name) ?? this.compile(name);
    try {
      return template(view).trimEnd();
    } catch (error) {
      // Handlebars compiles lazily: syntax errors in an override surface here, unnamed.
      throw new Error(`Template '${name}' failed: ${(error as Error).message}`, { cause: error });
    }
  }

  private dirs(): string[] {
    return this.options.overrideDir
      ? [this.options.overrideDir, this.options.baseDir]
      : [this.options.baseDir];
  }

  private compile(name: string): Handlebars.TemplateDelegate<IncidentView> {
    if (!SAFE_NAME.test(name)) throw new Error(`Template '${name}' is not a valid template name`);
    const files = this.dirs().map((dir) => join(dir, `${name}.hbs`));
    const file = files.find((f) => existsSync(f));
    if (!file) throw new Error(`Template '${name}' not found (looked for ${files.join(', ')})`);
    this.loadPartials();
    const template = this.hbs.compile<IncidentView>(read(file), { noEscape: true, strict: false });
    this.cache.set(name, template);
    return template;
  }

  /**
   * Partials are phrases used inside a line ("Trigger: {{> trigger}}."), so the file's final
   * newline is dropped. Shipped first, overrides after: the later registration wins.
   */
  private loadPartials(): void {
    if (this.partialsLoaded) return;
    for (const dir of [...this.dirs()].reverse().map((d) => join(d, 'partials'))) {
      if (!existsSync(dir)) continue;
      for (const entry of readdirSync(dir).filter((f) => f.endsWith('.hbs'))) {
        const body = read(join(dir, entry)).replace(/\n$/, '');
        this.hbs.registerPartial(basename(entry, '.hbs'), body);
      }
    }
    this.partialsLoaded = true;
  }
}

/** Overrides may be edited on Windows: CRLF would otherwise reach the tickets. */
function read(file: string): string {
  return readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
}
