import { buildIcal, escapeText, foldLine } from './ical';

describe('iCalendar writer', () => {
  it('writes all-day events with exclusive end dates, CRLF and escaped text', () => {
    const ics = buildIcal({
      name: 'RAM-MS NL-AMS visits',
      stamp: new Date('2026-05-01T08:00:00Z'),
      events: [
        {
          uid: 'v1@ram-ms',
          date: '2026-12-31',
          summary: 'NL-AMS-0001 W012',
          description: 'Window 2026-12-17 to 2027-01-14; bring CD, scans',
          sequence: 2,
        },
      ],
    });
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics).toContain('\r\nDTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n');
    expect(ics).toContain('DTSTAMP:20260501T080000Z');
    expect(ics).toContain('DESCRIPTION:Window 2026-12-17 to 2027-01-14\\; bring CD\\, scans');
    expect(ics).toContain('SEQUENCE:2');
    expect(ics.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('escapes backslashes, semicolons, commas and newlines', () => {
    expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
  });

  it('folds long lines at 75 octets without splitting a character', () => {
    const line = `DESCRIPTION:${'é'.repeat(100)}`;
    const folded = foldLine(line).split('\r\n');
    expect(folded.length).toBeGreaterThan(1);
    for (const [i, part] of folded.entries()) {
      expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
      if (i > 0) {
        expect(part.startsWith(' ')).toBe(true);
      }
    }
    expect(folded.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
  });
});
