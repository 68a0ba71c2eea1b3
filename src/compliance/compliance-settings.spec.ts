import {
  BUILT_IN_EXCLUDED_TITLES,
  complianceProblems,
  DEFAULT_COMPLIANCE,
  effectiveCompliance,
} from './compliance-settings';

describe('complianceProblems', () => {
  it('accepts an empty body and a complete valid one', () => {
    expect(complianceProblems({})).toEqual([]);
    expect(
      complianceProblems({
        criticalDays: 7,
        rebootDays: 0,
        serversFirst: false,
        excludeTitles: ['Preview', 'Silverlight'],
        excludeCategories: ['definition', 'driver', 'feature'],
      }),
    ).toEqual([]);
  });

  it.each([null, [], 'criticalDays=7', 7, undefined])('refuses %j as the body', (body) => {
    expect(complianceProblems(body)).toEqual(['body: must be an object']);
  });

  it('names an unknown setting and lists the known ones', () => {
    expect(complianceProblems({ criticalDay: 7 })).toEqual([
      'criticalDay: unknown setting (criticalDays, rebootDays, serversFirst, excludeTitles, excludeCategories)',
    ]);
  });

  it.each(['criticalDays', 'rebootDays'])('%s: a whole number of days, 0 to 3650', (key) => {
    for (const ok of [0, 1, 14, 3650]) expect(complianceProblems({ [key]: ok })).toEqual([]);
    for (const bad of [-1, 3651, 1.5, '14', null, true, Number.NaN])
      expect(complianceProblems({ [key]: bad })).toEqual([
        `${key}: must be a whole number of days, 0 to 3650`,
      ]);
  });

  it('serversFirst: only true or false', () => {
    expect(complianceProblems({ serversFirst: true })).toEqual([]);
    for (const bad of ['true', 1, 0, null])
      expect(complianceProblems({ serversFirst: bad })).toEqual([
        'serversFirst: must be true or false',
      ]);
  });

  it('excludeTitles: a list of up to 100 texts of 3 to 200 characters', () => {
    const problem = 'excludeTitles: must be a list of up to 100 texts of 3 to 200 characters';
    expect(complianceProblems({ excludeTitles: [] })).toEqual([]);
    expect(complianceProblems({ excludeTitles: Array(100).fill('abc') })).toEqual([]);
    expect(complianceProblems({ excludeTitles: ['x'.repeat(200)] })).toEqual([]);
    for (const bad of [
      'Preview',
      ['ab'],
      ['  ab  '],
      ['x'.repeat(201)],
      Array(101).fill('abc'),
      ['Preview', 7],
      [null],
      { 0: 'Preview' },
    ])
      expect(complianceProblems({ excludeTitles: bad })).toEqual([problem]);
  });

  it('excludeCategories: a list of the known patch categories only', () => {
    const problem =
      'excludeCategories: must be a list of security, critical, rollup, regular, feature, driver, definition';
    expect(complianceProblems({ excludeCategories: [] })).toEqual([]);
    expect(complianceProblems({ excludeCategories: ['definition'] })).toEqual([]);
    for (const bad of ['definition', ['definitions'], ['Definition'], ['driver', 'bogus'], [1]])
      expect(complianceProblems({ excludeCategories: bad })).toEqual([problem]);
  });

  it('reports every problem of a body, each naming its field', () => {
    const problems = complianceProblems({
      criticalDays: -1,
      rebootDays: 'three',
      serversFirst: 'yes',
      excludeTitles: ['a'],
      excludeCategories: ['bogus'],
      colour: 'red',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'colour',
      'criticalDays',
      'excludeCategories',
      'excludeTitles',
      'rebootDays',
      'serversFirst',
    ]);
  });
});

describe('effectiveCompliance', () => {
  it('is the built-in rule when nothing is stored', () => {
    expect(effectiveCompliance(null, null)).toEqual({
      criticalDays: 14,
      rebootDays: 3,
      serversFirst: true,
      excludeTitles: [],
      excludeCategories: ['definition'],
    });
  });

  it('takes the stored default over the built-in, field by field', () => {
    expect(effectiveCompliance({ criticalDays: 7, excludeTitles: ['Preview'] }, null)).toEqual({
      ...DEFAULT_COMPLIANCE,
      criticalDays: 7,
      excludeTitles: ['Preview'],
    });
  });

  it("takes the client's override over the default, and keeps the default's other fields", () => {
    expect(
      effectiveCompliance(
        { criticalDays: 7, rebootDays: 5, excludeTitles: ['Preview'] },
        { criticalDays: 30, serversFirst: false },
      ),
    ).toEqual({
      criticalDays: 30,
      rebootDays: 5,
      serversFirst: false,
      excludeTitles: ['Preview'],
      excludeCategories: ['definition'],
    });
  });

  it("replaces a list with the override's list (the summaries' SQL does the same)", () => {
    const rule = effectiveCompliance(
      { excludeTitles: ['Preview'], excludeCategories: ['driver'] },
      { excludeTitles: ['Silverlight'], excludeCategories: [] },
    );
    expect(rule.excludeTitles).toEqual(['Silverlight']);
    expect(rule.excludeCategories).toEqual([]);
  });

  it('never changes the built-in default it starts from', () => {
    const before = JSON.stringify(DEFAULT_COMPLIANCE);
    effectiveCompliance({ criticalDays: 1 }, { excludeCategories: ['driver'] });
    expect(JSON.stringify(DEFAULT_COMPLIANCE)).toBe(before);
  });

  it('always leaves out the built-in titles, which settings do not list', () => {
    expect([...BUILT_IN_EXCLUDED_TITLES].sort()).toEqual([
      'Definition Update',
      'Security Intelligence Update',
      'Superseded',
    ]);
    expect(effectiveCompliance(null, { excludeTitles: [] }).excludeTitles).toEqual([]);
  });
});
