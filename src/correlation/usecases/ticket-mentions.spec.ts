import { mentions } from './ticket-seen.usecase';

describe(mentions.name, () => {
  it.each([
    ['Cannot open files on FILESRV-9', 'filesrv-9', true],
    ['FILESRV-9: shares gone.', 'FILESRV-9', true],
    ['see server-01.acme.local now', 'server-01.acme.local', true],
    ['FILESRV-90 is slow', 'FILESRV-9', false],
    ['PRE-FILESRV-9 is slow', 'FILESRV-9', false],
    ['web01.acme.local is down', 'acme', false],
    ['PC is down', 'PC', false],
    ['a (weird) name', '(weird)', true],
  ])('%s / %s → %s', (text, name, expected) => {
    expect(mentions(text, name)).toBe(expected);
  });
});
