import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { defaultTemplatesDir } from '../rendering/renderer';

const PAGE_NAME = /^[a-z][a-z0-9-]*(\/[a-z][a-z0-9-]*)?$/;

/**
 * Console pages: HTML, so every value is escaped (unlike the plain-text notes). Each page is
 * templates/console/<name>.hbs; files under templates/console/partials are partials.
 */
export class ConsolePages {
  private readonly hbs = Handlebars.create();
  private readonly cache = new Map<string, Handlebars.TemplateDelegate>();
  private readonly dir = join(defaultTemplatesDir(), 'console');

  constructor() {
    this.hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    this.hbs.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
    this.hbs.registerHelper('time', (iso: unknown) =>
      typeof iso === 'string' || iso instanceof Date
        ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC'
        : '',
    );
    // A date alone where a table has no room for the time; the time is in its tooltip.
    this.hbs.registerHelper('day', (iso: unknown) =>
      typeof iso === 'string' || iso instanceof Date
        ? new Date(iso).toISOString().slice(0, 10)
        : '',
    );
    this.hbs.registerHelper('json', (v: unknown) => JSON.stringify(v, null, 2));
    this.hbs.registerPartial('layout-head', this.read('layout-head'));
    this.hbs.registerPartial('layout-foot', this.read('layout-foot'));
    const partials = join(this.dir, 'partials');
    if (existsSync(partials))
      for (const file of readdirSync(partials).filter((f) => f.endsWith('.hbs')))
        this.hbs.registerPartial(file.slice(0, -4), this.read(`partials/${file.slice(0, -4)}`));
  }

  render(name: string, data: Record<string, unknown>): string {
    if (!PAGE_NAME.test(name)) throw new Error(`console page name ${name} is not valid`);
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
