import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { NewEventRow } from '../database/LedgerStore';
import { commitRepositoryOwners } from './commitOwners';
import { EntityResolver, githubSlugOf } from './EntityResolver';

/** A catalog of three entities: payments and billing share one repository (a monorepo). */
const SLUGS: Record<string, string> = {
  'component:default/payments': 'acme/shop',
  'component:default/billing': 'acme/shop',
  'component:default/checkout': 'acme/checkout',
};

/** Resolves a repository as the catalog resolver does: the first entity in sort order naming it. */
const resolver: EntityResolver = {
  async resolve(keys) {
    const slug = keys.repository ? githubSlugOf(keys.repository) : undefined;
    const named = Object.keys(SLUGS)
      .filter(ref => SLUGS[ref] === slug?.toLowerCase())
      .sort();
    return named[0] ?? null;
  },
  async githubSlugOfEntity(entityRef) {
    return SLUGS[entityRef] ?? null;
  },
};

const row = (
  entityRef: string | null,
  ...repositories: string[]
): NewEventRow => {
  const event = {
    id: 'e',
    type: 'commits',
    commits: repositories.map((repository, i) => ({
      sha: `${i}`.padStart(40, 'a'),
      repository,
      committedAt: '2026-11-01T10:00:00Z',
    })),
  } as GreenlightEvent;
  return {
    id: 'native:e',
    source: 'native',
    subjectKey: 'commits:e',
    eventTime: 0,
    receivedAt: 0,
    actor: 'test',
    entityRef,
    mappingKeys: {},
    event,
  };
};

describe('the entities whose repositories a batch’s commit details describe', () => {
  it.each([
    [
      'none for its own repository',
      'component:default/checkout',
      ['github.com/acme/checkout'],
      [],
    ],
    [
      'another entity’s repository',
      'component:default/payments',
      ['github.com/acme/checkout'],
      ['component:default/checkout'],
    ],
    // billing is resolved first for acme/shop, but payments names acme/shop too.
    [
      'none for a repository its entity shares',
      'component:default/payments',
      ['github.com/acme/shop'],
      [],
    ],
    [
      'the repository’s entity, whatever the case of the URL',
      'component:default/payments',
      ['https://github.com/ACME/Checkout.git'],
      ['component:default/checkout'],
    ],
    [
      'none for a repository no entity names',
      'component:default/payments',
      ['github.com/acme/scratch'],
      [],
    ],
    [
      'none for a repository outside GitHub',
      'component:default/payments',
      ['gitlab.example.com/acme/checkout'],
      [],
    ],
    [
      'each other entity once',
      'component:default/checkout',
      [
        'github.com/acme/shop',
        'github.com/acme/checkout',
        'github.com/acme/shop',
      ],
      ['component:default/billing'],
    ],
    [
      'every owner for an event with no entity yet',
      null,
      ['github.com/acme/checkout'],
      ['component:default/checkout'],
    ],
  ])('%s', async (_, entityRef, repositories, expected) => {
    expect(
      await commitRepositoryOwners([row(entityRef, ...repositories)], resolver),
    ).toEqual([expected]);
  });

  it('touches nothing for events that are not commit details', async () => {
    const deployment = {
      ...row('component:default/payments'),
      event: { type: 'deployment.started' } as GreenlightEvent,
    };
    expect(await commitRepositoryOwners([deployment], resolver)).toEqual([[]]);
  });
});
