import {
  ChangeWindowRule,
  describeRolloutConstraint,
  evaluateChangeWindows,
  Freeze,
  isWithinWindow,
  nextWindowOpening,
  WeeklyWindow,
  windowProblems,
} from './windows';

const at = (iso: string) => Date.parse(iso);
const isoOf = (ms: number | null) =>
  ms === null ? null : new Date(ms).toISOString();

const BERLIN = 'Europe/Berlin';
// Berlin is CET (UTC+1) in winter and CEST (UTC+2) in summer. In 2026 the clocks go forward on
// Sunday 29 March at 02:00 CET (01:00Z) and back on Sunday 25 October at 03:00 CEST (01:00Z).
const tueToThu: WeeklyWindow[] = [
  { days: ['tue', 'wed', 'thu'], start: '09:00', end: '15:00' },
];

describe('isWithinWindow and nextWindowOpening', () => {
  it.each([
    // [why, instant (UTC), zone, within, next opening (UTC)]
    [
      'Tue 24 Mar 14:59 CET, one minute before the close',
      '2026-03-24T13:59:00Z',
      BERLIN,
      true,
      '2026-03-24T13:59:00.000Z',
    ],
    // 15:01 CET is after the close; the next opening is Wed 25 Mar 09:00 CET = 08:00Z
    [
      'Tue 24 Mar 15:01 CET, after the close',
      '2026-03-24T14:01:00Z',
      BERLIN,
      false,
      '2026-03-25T08:00:00.000Z',
    ],
    // the end is exclusive: 15:00 CET is closed
    [
      'Thu 26 Mar 15:00 CET, the close itself',
      '2026-03-26T14:00:00Z',
      BERLIN,
      false,
      '2026-03-31T07:00:00.000Z',
    ],
    // next opening crosses the spring-forward: Tue 31 Mar 09:00 CEST = 07:00Z, not 08:00Z
    [
      'Fri 27 Mar noon CET',
      '2026-03-27T11:00:00Z',
      BERLIN,
      false,
      '2026-03-31T07:00:00.000Z',
    ],
    [
      'Tue 31 Mar 14:59 CEST (12:59Z)',
      '2026-03-31T12:59:00Z',
      BERLIN,
      true,
      '2026-03-31T12:59:00.000Z',
    ],
    [
      'Tue 31 Mar 15:01 CEST (13:01Z)',
      '2026-03-31T13:01:00Z',
      BERLIN,
      false,
      '2026-04-01T07:00:00.000Z',
    ],
    // 07:30Z is 09:30 CEST before the fall-back, 08:30 CET after it
    [
      'Tue 20 Oct 07:30Z = 09:30 CEST',
      '2026-10-20T07:30:00Z',
      BERLIN,
      true,
      '2026-10-20T07:30:00.000Z',
    ],
    [
      'Tue 27 Oct 07:30Z = 08:30 CET',
      '2026-10-27T07:30:00Z',
      BERLIN,
      false,
      '2026-10-27T08:00:00.000Z',
    ],
    // Thu 22 Oct 15:01 CEST; the next opening is after the fall-back: Tue 27 Oct 09:00 CET = 08:00Z
    [
      'Thu 22 Oct 15:01 CEST',
      '2026-10-22T13:01:00Z',
      BERLIN,
      false,
      '2026-10-27T08:00:00.000Z',
    ],
    // New York went to EDT (UTC-4) on 8 March 2026, Berlin is still CET: 09:00 EDT = 13:00Z
    [
      'Tue 10 Mar 08:59 EDT',
      '2026-03-10T12:59:00Z',
      'America/New_York',
      false,
      '2026-03-10T13:00:00.000Z',
    ],
    [
      'Tue 10 Mar 09:00 EDT',
      '2026-03-10T13:00:00Z',
      'America/New_York',
      true,
      '2026-03-10T13:00:00.000Z',
    ],
    // Kolkata is UTC+5:30 all year: 09:00 IST = 03:30Z
    [
      'Wed 10 Jun 08:59 IST',
      '2026-06-10T03:29:00Z',
      'Asia/Kolkata',
      false,
      '2026-06-10T03:30:00.000Z',
    ],
    // Thursday 15:00 UTC in Sydney (AEST, +10) is already Friday 01:00: next is Tue 09:00 AEST = Mon 23:00Z
    [
      'Thu 15:00Z = Fri 01:00 AEST',
      '2026-06-11T15:00:00Z',
      'Australia/Sydney',
      false,
      '2026-06-15T23:00:00.000Z',
    ],
  ])('%s', (_why, instant, zone, within, next) => {
    expect(isWithinWindow(tueToThu, at(instant), zone)).toBe(within);
    expect(isoOf(nextWindowOpening(tueToThu, at(instant), zone))).toBe(next);
  });

  // Saturday 22:00 to Sunday 02:00, crossing midnight.
  const overnight: WeeklyWindow[] = [
    { days: ['sat'], start: '22:00', end: '02:00' },
  ];
  it.each([
    // Sat 28 Mar 21:59 CET = 20:59Z: not yet
    [
      'Sat 28 Mar 21:59 CET',
      '2026-03-28T20:59:00Z',
      false,
      '2026-03-28T21:00:00.000Z',
    ],
    [
      'Sat 28 Mar 23:30 CET',
      '2026-03-28T22:30:00Z',
      true,
      '2026-03-28T22:30:00.000Z',
    ],
    [
      'Sun 29 Mar 00:30 CET, after midnight',
      '2026-03-28T23:30:00Z',
      true,
      '2026-03-28T23:30:00.000Z',
    ],
    // the close at 02:00 is the spring-forward itself: 01:59 CET (00:59Z) is in, 01:00Z is 03:00 CEST
    [
      'Sun 29 Mar 01:59 CET',
      '2026-03-29T00:59:00Z',
      true,
      '2026-03-29T00:59:00.000Z',
    ],
    // next Saturday 22:00 CEST = 20:00Z
    [
      'Sun 29 Mar 03:00 CEST',
      '2026-03-29T01:00:00Z',
      false,
      '2026-04-04T20:00:00.000Z',
    ],
    // Fall-back night: Sat 24 Oct 22:00 CEST = 20:00Z; 01:59 CEST (23:59Z) is in; 02:00 CEST (00:00Z) out
    [
      'Sun 25 Oct 01:59 CEST',
      '2026-10-24T23:59:00Z',
      true,
      '2026-10-24T23:59:00.000Z',
    ],
    [
      'Sun 25 Oct 02:00 CEST (first)',
      '2026-10-25T00:00:00Z',
      false,
      '2026-10-31T21:00:00.000Z',
    ],
    [
      'Sun 25 Oct 02:00 CET (second)',
      '2026-10-25T01:00:00Z',
      false,
      '2026-10-31T21:00:00.000Z',
    ],
  ])('overnight window: %s', (_why, instant, within, next) => {
    expect(isWithinWindow(overnight, at(instant), BERLIN)).toBe(within);
    expect(isoOf(nextWindowOpening(overnight, at(instant), BERLIN))).toBe(next);
  });

  it('a window inside the skipped hour does not open that night', () => {
    const gap: WeeklyWindow[] = [
      { days: ['sun'], start: '02:00', end: '03:00' },
    ];
    // 02:00-03:00 CET never happens on 29 March; next is Sun 5 Apr 02:00 CEST = 00:00Z
    expect(
      isoOf(nextWindowOpening(gap, at('2026-03-28T12:00:00Z'), BERLIN)),
    ).toBe('2026-04-05T00:00:00.000Z');
  });

  it('a window starting inside the skipped hour opens when the clock jumps into it', () => {
    const gap: WeeklyWindow[] = [
      { days: ['sun'], start: '02:30', end: '04:00' },
    ];
    // 00:59Z is 01:59 CET (out); 01:00Z is 03:00 CEST, inside 02:30-04:00
    expect(isWithinWindow(gap, at('2026-03-29T00:59:00Z'), BERLIN)).toBe(false);
    expect(isWithinWindow(gap, at('2026-03-29T01:00:00Z'), BERLIN)).toBe(true);
    expect(
      isoOf(nextWindowOpening(gap, at('2026-03-28T12:00:00Z'), BERLIN)),
    ).toBe('2026-03-29T01:00:00.000Z');
  });

  it('the repeated hour of a fall-back night is inside a window both times', () => {
    const repeated: WeeklyWindow[] = [
      { days: ['sun'], start: '02:00', end: '03:00' },
    ];
    // 00:30Z is 02:30 CEST, 01:30Z is 02:30 CET: both are 02:30 on the wall clock
    expect(isWithinWindow(repeated, at('2026-10-25T00:30:00Z'), BERLIN)).toBe(
      true,
    );
    expect(isWithinWindow(repeated, at('2026-10-25T01:30:00Z'), BERLIN)).toBe(
      true,
    );
    expect(isWithinWindow(repeated, at('2026-10-25T02:00:00Z'), BERLIN)).toBe(
      false,
    );
  });

  it('names the field of a bad window', () => {
    expect(
      windowProblems(
        { days: ['mon', 'fun' as never], start: '9:00', end: '24:00' },
        'w',
      ),
    ).toEqual([
      'w.days: "fun" is not one of mon, tue, wed, thu, fri, sat, sun',
      'w.start: "9:00" is not HH:MM',
      'w.end: "24:00" is not HH:MM',
    ]);
  });
});

describe('evaluateChangeWindows', () => {
  const rules: ChangeWindowRule[] = [
    {
      name: 'database-production',
      classes: ['database'],
      environments: ['production'],
      windows: tueToThu,
    },
  ];
  // 21 Dec 2026 00:00 CET = 20 Dec 23:00Z until 4 Jan 2027 00:00 CET = 3 Jan 23:00Z
  const holiday: Freeze = {
    name: 'holiday',
    from: at('2026-12-20T23:00:00Z'),
    until: at('2027-01-03T23:00:00Z'),
    reason: 'year-end',
  };
  const incident: Freeze = {
    name: 'incident INC-7',
    from: at('2026-03-24T10:00:00Z'),
    until: at('2026-03-24T16:00:00Z'),
    environments: ['production'],
  };
  const evaluate = (
    classes: Array<'database' | 'config' | 'code'>,
    environment: string,
    instant: string,
  ) =>
    evaluateChangeWindows({
      rules,
      freezes: [holiday, incident],
      classes,
      environment,
      timeZone: BERLIN,
      at: at(instant),
    });

  it('allows a database change at 14:59 and denies it at 15:01 with the next opening', () => {
    expect(
      evaluate(['database'], 'production', '2026-03-25T13:59:00Z'),
    ).toMatchObject({
      allowed: true,
      reasons: [],
      nextAllowedAt: at('2026-03-25T13:59:00Z'),
    });
    const late = evaluate(['database'], 'production', '2026-03-25T14:01:00Z');
    expect(late.allowed).toBe(false);
    expect(late.reasons).toEqual([
      'outside change window "database-production" (tue,wed,thu 09:00-15:00 Europe/Berlin)',
    ]);
    // Thu 26 Mar 09:00 CET = 08:00Z
    expect(isoOf(late.nextAllowedAt)).toBe('2026-03-26T08:00:00.000Z');
  });

  it('lets configuration and staging changes through any time outside freezes', () => {
    expect(
      evaluate(['config'], 'production', '2026-03-28T03:00:00Z').allowed,
    ).toBe(true);
    expect(
      evaluate(['database'], 'staging', '2026-03-28T03:00:00Z').allowed,
    ).toBe(true);
  });

  it('a change in several classes needs every window that applies', () => {
    expect(
      evaluate(['code', 'database'], 'production', '2026-03-27T10:00:00Z')
        .allowed,
    ).toBe(false);
  });

  it('a freeze denies every class; the next allowed time is after the freeze and inside the window', () => {
    // Tue 22 Dec 2026 10:00 CET
    const db = evaluate(['database'], 'production', '2026-12-22T09:00:00Z');
    expect(db.allowed).toBe(false);
    expect(db.reasons).toEqual([
      'freeze "holiday" until 2027-01-03T23:00:00.000Z: year-end',
    ]);
    // The freeze ends Mon 4 Jan 00:00 CET; the window opens Tue 5 Jan 09:00 CET = 08:00Z
    expect(isoOf(db.nextAllowedAt)).toBe('2027-01-05T08:00:00.000Z');
    const config = evaluate(['config'], 'staging', '2026-12-22T09:00:00Z');
    expect(isoOf(config.nextAllowedAt)).toBe('2027-01-03T23:00:00.000Z');
    expect(config.freezes).toEqual([
      { name: 'holiday', until: holiday.until, reason: 'year-end' },
    ]);
  });

  it('an incident freeze scoped to production leaves staging alone', () => {
    // Tue 24 Mar 12:00 CET is inside the window but inside the incident freeze (10:00Z-16:00Z)
    const prod = evaluate(['database'], 'production', '2026-03-24T11:00:00Z');
    expect(prod.allowed).toBe(false);
    // after 16:00Z (17:00 CET) the window is closed: next is Wed 25 Mar 09:00 CET = 08:00Z
    expect(isoOf(prod.nextAllowedAt)).toBe('2026-03-25T08:00:00.000Z');
    expect(
      evaluate(['config'], 'production', '2026-03-24T11:00:00Z').nextAllowedAt,
    ).toBe(at('2026-03-24T16:00:00Z'));
    expect(
      evaluate(['database'], 'staging', '2026-03-24T11:00:00Z').allowed,
    ).toBe(true);
  });

  it('answers null when no allowed time exists within the horizon', () => {
    const never = evaluateChangeWindows({
      rules,
      freezes: [
        { name: 'forever', from: 0, until: at('2100-01-01T00:00:00Z') },
      ],
      classes: ['database'],
      environment: 'production',
      timeZone: BERLIN,
      at: at('2026-03-24T11:00:00Z'),
    });
    expect(never.nextAllowedAt).toBeNull();
  });

  it('describes rollout constraints', () => {
    expect(
      describeRolloutConstraint({ strategy: 'canary', minSoakMinutes: 30 }),
    ).toBe('canary with at least 30 minutes of soak');
    expect(describeRolloutConstraint({ strategy: 'any' })).toBe(
      'any rollout strategy',
    );
  });
});
