import { screen } from '@testing-library/react';
import { renderForEntity } from '../../__testUtils__/renderForEntity';
import { HistoryImport } from './HistoryImport';

const ENTITY = 'component:default/checkout';

const source = (value: object, key = ENTITY) => ({
  id: 'github',
  annotations: ['github.com/project-slug'],
  webhook: false,
  pull: true,
  progress: [{ key, value, updatedAt: '2026-12-04T01:00:00Z' }],
});

describe('HistoryImport', () => {
  it('says how far a running import has come', async () => {
    await renderForEntity(<HistoryImport entityRef={ENTITY} />, {
      api: {
        listSources: jest.fn(async () => [
          source({
            phase: 'ingest',
            deploymentsDone: 120,
            deploymentsTotal: 2000,
          }),
        ]),
      },
    });
    expect(
      await screen.findByText(
        'History import from github: writing deployments, 120 of 2000 deployments.',
      ),
    ).toBeInTheDocument();
  });

  it('says when a finished import ended', async () => {
    await renderForEntity(<HistoryImport entityRef={ENTITY} />, {
      api: {
        listSources: jest.fn(async () => [
          source({
            phase: 'done',
            deploymentsDone: 18,
            deploymentsTotal: 18,
            finishedAt: '2026-12-04T01:02:03Z',
          }),
        ]),
      },
    });
    expect(
      await screen.findByText(
        'History import from github: finished on 2026-12-04, 18 deployments.',
      ),
    ).toBeInTheDocument();
  });

  it('shows nothing for another entity, or when the sources cannot be read', async () => {
    const other = await renderForEntity(<HistoryImport entityRef={ENTITY} />, {
      api: {
        listSources: jest.fn(async () => [
          source({ phase: 'ingest' }, 'component:default/ledger'),
        ]),
      },
    });
    expect(other.container).toBeEmptyDOMElement();
    other.unmount();
    const failing = await renderForEntity(
      <HistoryImport entityRef={ENTITY} />,
      {
        api: {
          listSources: jest.fn(async () => {
            throw new Error('503');
          }),
        },
      },
    );
    expect(failing.container).toBeEmptyDOMElement();
  });
});
