import { renderIcal } from './ical';

describe('iCalendar feeds (ical-generator)', () => {
  const render = () =>
    renderIcal({
      name: 'RAM-MS aHSCT admissions NL-AMS',
      product: 'Transplant slots',
      timeZone: 'Europe/Amsterdam',
      generatedAt: new Date('2026-03-01T10:00:00.123Z'),
      events: [
        {
          uid: 'b1-admission@ram-ms',
          start: '2026-03-25',
          endExclusive: '2026-04-15',
          summary: 'aHSCT admission NL-AMS-0001',
          description: `Window 2026-12-17 to 2027-01-14; bring CD, scans ${'é'.repeat(60)}`,
          sequence: 2,
          status: 'CANCELLED',
          lastModified: new Date('2026-02-01T08:00:00Z'),
          busy: true,
        },
      ],
    });

  it('writes all-day events with exclusive end dates, stamps in UTC and escaped, folded text', () => {
    const text = render();
    const lines = text.split('\r\n');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(lines).toEqual(
      expect.arrayContaining([
        'BEGIN:VCALENDAR',
        'PRODID:-//RAM-MS//Transplant slots//EN',
        'METHOD:PUBLISH',
        'X-WR-TIMEZONE:Europe/Amsterdam',
        'UID:b1-admission@ram-ms',
        'DTSTAMP:20260301T100000Z',
        'DTSTART;VALUE=DATE:20260325',
        'DTEND;VALUE=DATE:20260415',
        'SEQUENCE:2',
        'STATUS:CANCELLED',
        'TRANSP:OPAQUE',
        'LAST-MODIFIED:20260201T080000Z',
        'SUMMARY:aHSCT admission NL-AMS-0001',
        'END:VCALENDAR',
      ]),
    );
    expect(text).toContain('DESCRIPTION:Window 2026-12-17 to 2027-01-14\\; bring CD\\, scans');
    for (const line of lines) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    }
  });

  it('keeps calendar dates whatever the process time zone', () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      expect(render()).toContain('DTSTART;VALUE=DATE:20260325');
      process.env.TZ = 'Pacific/Kiritimati';
      expect(render()).toContain('DTEND;VALUE=DATE:20260415');
    } finally {
      process.env.TZ = before;
    }
  });
});
