import { escapeText, foldLine, renderCalendar } from './ical';

describe('iCal writer', () => {
  it('escapes text values', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
  });

  it('folds long lines at 75 octets, multi-byte characters kept whole', () => {
    const folded = foldLine(`SUMMARY:${'é'.repeat(60)}`);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(Buffer.byteLength(p, 'utf8')).toBeLessThanOrEqual(75);
    }
    expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(
      `SUMMARY:${'é'.repeat(60)}`,
    );
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
  });

  it('renders all-day events with CRLF line ends', () => {
    const text = renderCalendar({
      name: 'RAM-MS aHSCT admissions NL-AMS',
      timeZone: 'Europe/Amsterdam',
      generatedAt: new Date('2026-03-01T10:00:00.123Z'),
      events: [
        {
          uid: 'b1-admission@ram-ms',
          start: '2026-03-25',
          endExclusive: '2026-04-15',
          summary: 'aHSCT admission NL-AMS-0001',
          description: 'Day 0: 2026-03-30',
          sequence: 2,
          status: 'CONFIRMED',
          lastModified: new Date('2026-02-01T08:00:00Z'),
        },
      ],
    });
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toEqual(
      expect.arrayContaining([
        'BEGIN:VCALENDAR',
        'DTSTAMP:20260301T100000Z',
        'DTSTART;VALUE=DATE:20260325',
        'DTEND;VALUE=DATE:20260415',
        'SEQUENCE:2',
        'SUMMARY:aHSCT admission NL-AMS-0001',
        'END:VCALENDAR',
      ]),
    );
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });
});
