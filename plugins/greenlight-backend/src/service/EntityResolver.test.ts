import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { GREENLIGHT_ANNOTATIONS } from '@greenlight/backstage-plugin-greenlight-common';
import { CatalogEntityResolver, MappingKeys } from './EntityResolver';

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service' },
  };
}

const { serviceId, artifact, githubProjectSlug } = GREENLIGHT_ANNOTATIONS;

const entities = [
  component('payments', { [serviceId]: 'payments' }),
  component('checkout', {
    [serviceId]: 'checkout',
    [artifact]: 'pkg:oci/acme/checkout',
  }),
  component('web', { [githubProjectSlug]: 'acme/web' }),
  // Two entities claim one id: the first ref in sort order wins, as with one lookup.
  component('dup-b', { [serviceId]: 'dup' }),
  component('dup-a', { [serviceId]: 'dup' }),
  ...Array.from({ length: 120 }, (_, i) =>
    component(`many-${i}`, { [serviceId]: `many-${i}` }),
  ),
];

function resolverWithCounter() {
  const catalog = catalogServiceMock({ entities });
  const getEntities = jest.spyOn(catalog, 'getEntities');
  return {
    resolver: new CatalogEntityResolver(catalog, mockServices.auth()),
    getEntities,
  };
}

const keys: MappingKeys[] = [
  { serviceId: 'payments' },
  // The catalog matches annotation values without regard to case.
  { serviceId: 'PAYMENTS' },
  // Falls through an unknown id to the artifact, without its version.
  {
    serviceId: 'nope',
    artifactPurl: 'pkg:oci/acme/checkout@sha256:abc?arch=amd64',
  },
  { repository: 'https://github.com/acme/web.git' },
  { entityRef: 'Component:default/Named' },
  { serviceId: 'dup' },
  {},
  // The service id comes before the repository.
  { serviceId: 'payments', repository: 'github.com/acme/web' },
  { repository: 'github.com/acme/unknown' },
];
const expected = [
  'component:default/payments',
  'component:default/payments',
  'component:default/checkout',
  'component:default/web',
  'component:default/named',
  'component:default/dup-a',
  null,
  'component:default/payments',
  null,
];

describe('CatalogEntityResolver', () => {
  it('resolves events one at a time by the annotations in order of precedence', async () => {
    const { resolver, getEntities } = resolverWithCounter();
    const found = [];
    for (const k of keys) found.push(await resolver.resolve(k));
    expect(found).toEqual(expected);
    expect(getEntities).toHaveBeenCalledTimes(7);
  });

  it('resolves a batch to the same entities with one request per round of missing keys', async () => {
    const { resolver, getEntities } = resolverWithCounter();
    expect(await resolver.resolveAll(keys)).toEqual(expected);
    // Round one: every event's first key; round two: the artifact of the event whose id
    // matched nothing. One at a time, the same keys took seven requests.
    expect(getEntities).toHaveBeenCalledTimes(2);

    // Everything is cached now: another batch asks nothing.
    expect(await resolver.resolveAll(keys)).toEqual(expected);
    expect(getEntities).toHaveBeenCalledTimes(2);
  });

  it('asks for at most 50 keys per request', async () => {
    const { resolver, getEntities } = resolverWithCounter();
    const many = Array.from({ length: 120 }, (_, i) => ({
      serviceId: `many-${i}`,
    }));
    expect(await resolver.resolveAll(many)).toEqual(
      many.map((_, i) => `component:default/many-${i}`),
    );
    expect(getEntities).toHaveBeenCalledTimes(3);
    for (const [request] of getEntities.mock.calls) {
      expect((request?.filter as object[]).length).toBeLessThanOrEqual(50);
    }
  });

  it('does not look up a later key when an earlier one is known', async () => {
    const { resolver, getEntities } = resolverWithCounter();
    await resolver.resolveAll([
      { serviceId: 'payments', repository: 'github.com/acme/web' },
    ]);
    const asked = getEntities.mock.calls.flatMap(
      ([request]) => request?.filter as object[],
    );
    expect(asked).toEqual([
      { [`metadata.annotations.${serviceId}`]: 'payments' },
    ]);
  });
});
