import greenlightPlugin from './alpha';

describe('greenlight new-frontend-system plugin', () => {
  it('provides the API, the entity tabs and the overview cards', () => {
    const found = [
      'api:greenlight',
      'entity-content:greenlight/delivery',
      'entity-content:greenlight/dora-review',
      'entity-card:greenlight/running-where',
      'entity-card:greenlight/dora',
      'entity-card:greenlight/readiness',
    ].map(id => {
      const ext = greenlightPlugin.getExtension(id as any) as any;
      return ext && `${ext.kind}:${ext.name ?? ''}`;
    });
    expect(found).toEqual([
      'api:',
      'entity-content:delivery',
      'entity-content:dora-review',
      'entity-card:running-where',
      'entity-card:dora',
      'entity-card:readiness',
    ]);
  });
});
