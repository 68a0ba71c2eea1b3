import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { defaultTemplatesDir } from '../rendering/renderer';

export const PAGE_NAMES = ['sign-in', 'rollback-plan', 'rollback', 'message'] as const;
export type PageName = (typeof PAGE_NAMES)[number];

/** Console pages: HTML, so every value is escaped (unlike the plain-text notes). */
export class ConsolePages {
  private readonly hbs = Handlebars.create();
  private readonly cache = new Map<string, Handlebars.TemplateDelegate>();
  private readonly dir = join(defaultTemplatesDir(), 'console');

  constructor() {
    this.hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    this.hbs.registerHelper('time', (iso: unknown) =>
      typeof iso === 'string' || iso instanceof Date
        ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC'
        : '',
    );
    this.hbs.registerHelper('json', (v: unknown) => JSON.stringify(v, null, 2));
    this.hbs.registerPartial('layout-head', this.read('layout-head'));
    this.hbs.registerPartial('layout-foot', this.read('layout-foot'));
  }

  render(name: PageName, data: Record<string, unknown>): string {
    let template = this.cache.get(name);
    if (!template) {
      template = this.hbs.compile(this.read(name), { strict: false });
      this.cache.set(name, template);
    }
    return template(data);
  }

  private read(name: string): string {
    const file = join(this.dir, `${name}.hbs`);
    if (!existsSync(file)) throw new Error(`console page template ${file} is missing`);
    return readFileSync(file, 'utf8');
  }
}
