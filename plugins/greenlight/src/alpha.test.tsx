import { createExtensionTester, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import greenlightPlugin from './alpha';
import { componentEntity } from './__testUtils__/fixtures';
import { greenlightApiRef } from './api';

describe('greenlight new-frontend-system plugin', () => {
  it('provides the API, the entity tabs and the overview cards', () => {
    const found = [
      'api:greenlight',
      'entity-content:greenlight/delivery',
      'entity-content:greenlight/dora-review',
      'entity-content:greenlight/governance',
      'entity-content:greenlight/team-governance',
      'page:greenlight',
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
      'entity-content:governance',
      'entity-content:team-governance',
      'page:',
      'entity-card:running-where',
      'entity-card:dora',
      'entity-card:readiness',
    ]);
  });

  it('renders an overview card extension against the API', async () => {
    const getChecklist = jest.fn(async () => ({
      entityRef: 'component:default/payments',
      checks: [{ id: 'mandatory-tests' as const, title: 'Mandatory tests', status: 'pass' as const, reason: 'All tested' }],
    }));
    const tester = createExtensionTester(greenlightPlugin.getExtension('entity-card:greenlight/readiness'));
    renderInTestApp(<EntityProvider entity={componentEntity}>{tester.reactElement()}</EntityProvider>, {
      apis: [[greenlightApiRef, { getChecklist }]],
    });
    // the lazily loaded card can take a while on a busy machine
    expect(
      await screen.findByText('Mandatory tests: Pass', undefined, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(getChecklist).toHaveBeenCalledWith('component:default/payments');
  });
});
