import { gitlabTime } from './gitlabTime';

describe('gitlabTime', () => {
  it.each([
    // The three spellings GitLab's webhook examples use.
    ['2013-12-03T17:23:34Z', '2013-12-03T17:23:34Z'],
    ['2016-08-12 15:23:28 UTC', '2016-08-12T15:23:28Z'],
    ['2021-04-28 21:50:00 +0200', '2021-04-28T21:50:00+02:00'],
    ['2012-01-03T23:36:29+02:00', '2012-01-03T23:36:29+02:00'],
    ['yesterday', undefined],
    ['2021-13-45 25:00:00 UTC', undefined],
    [null, undefined],
  ])('%p is %p', (given, expected) => {
    expect(gitlabTime(given)).toBe(expected);
  });
});
