import greenlightPlugin from './alpha';

describe('greenlight new-frontend-system plugin', () => {
  it('provides the API, the Delivery tab and the Running where card', () => {
    const found = [
      'api:greenlight',
      'entity-content:greenlight/delivery',
      'entity-card:greenlight/running-where',
    ].map(id => {
      const ext = greenlightPlugin.getExtension(id as any) as any;
      return ext && `${ext.kind}:${ext.name ?? ''}`;
    });
    expect(found).toEqual(['api:', 'entity-content:delivery', 'entity-card:running-where']);
  });
});
