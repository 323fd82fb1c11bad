import { overrideCovers } from './overrideReuse';

describe('overrideCovers', () => {
  it.each([
    { waived: ['approval'], missingNow: ['approval'], covers: true },
    {
      waived: ['approval', 'mandatory-tests'],
      missingNow: ['approval'],
      covers: true,
    },
    {
      waived: ['approval', 'mandatory-tests'],
      missingNow: ['mandatory-tests', 'approval'],
      covers: true,
    },
    { waived: ['approval'], missingNow: [], covers: true },
    {
      waived: ['approval'],
      missingNow: ['approval', 'signed-provenance'],
      covers: false,
    },
    { waived: ['approval'], missingNow: ['signed-provenance'], covers: false },
    { waived: [], missingNow: ['approval'], covers: false },
    { waived: ['Approval'], missingNow: ['approval'], covers: false },
  ])(
    'waived $waived, missing now $missingNow: $covers',
    ({ waived, missingNow, covers }) => {
      expect(overrideCovers(waived, missingNow)).toBe(covers);
    },
  );
});
