import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import { DIGEST, release } from '../../__testUtils__/fixtures';
import { renderForEntity, responseError } from '../../__testUtils__/renderForEntity';
import { GreenlightApi, ReleaseQuery } from '../../api';
import { useLocation } from 'react-router-dom';
import { countAtFirstCommitAfterPrefetch } from '../../__testUtils__/firstCommit';
import { ReleaseHistory } from './ReleaseHistory';
import { FIRST_PAINT_ROWS } from './ReleaseTable';

function Location() {
  const location = useLocation();
  return <output aria-label="location">{location.search}</output>;
}

function renderHistory(
  api: Partial<GreenlightApi>,
  onOpenRelease = jest.fn(),
  search = '',
  catalogEntities: Entity[] = [],
) {
  return renderForEntity(
    <>
      <ReleaseHistory
        entityRef="component:default/payments"
        environments={['staging', 'production']}
        repository="github.com/acme/payments"
        onOpenRelease={onOpenRelease}
      />
      <Location />
    </>,
    { api, routeEntries: [`/delivery${search}`], catalogEntities },
  );
}

/** Three pages: the cursor names the page it fetches. */
function pagedApi() {
  return jest.fn(async (query: ReleaseQuery) => {
    const page = query.cursor ? Number(query.cursor.slice(1)) : 1;
    return {
      items: [release({ id: `r-${page}`, version: `1.${page}.0` })],
      nextCursor: page < 3 ? `p${page + 1}` : undefined,
    };
  });
}

const lastQuery = (fn: jest.Mock) => fn.mock.calls[fn.mock.calls.length - 1][0];

describe('ReleaseHistory', () => {
  it('shows a page prefetched before it loaded on its first render, without asking again', async () => {
    const listReleases = jest.fn(async () => ({ items: [release({ id: 'r-1', version: '3.1.0' })] }));
    const api = { listReleases, countReleases: jest.fn(async () => 1), getEnvironments: jest.fn(async () => []) };
    const firstRows = await countAtFirstCommitAfterPrefetch(
      <ReleaseHistory
        entityRef="component:default/payments"
        environments={['production']}
        onOpenRelease={jest.fn()}
      />,
      'table tbody tr',
      { api, routeEntries: ['/delivery'] },
    );
    expect(firstRows).toBe(1);
    expect(screen.getByText('3.1.0')).toBeInTheDocument();
    expect(listReleases).toHaveBeenCalledTimes(1);
  });

  it('says how many releases there are in all, counted with the same filters', async () => {
    const listReleases = jest.fn(async () => ({
      items: Array.from({ length: 25 }, (_, i) => release({ id: `r-${i}`, version: `2.${i}.0` })),
      nextCursor: 'p2',
    }));
    const countReleases = jest.fn(async (_query: Omit<ReleaseQuery, 'limit' | 'cursor'>) => 212);
    await renderHistory({ listReleases, countReleases }, jest.fn(), '?status=failed');
    expect(await screen.findByText('1–25 of 212')).toBeInTheDocument();
    expect(countReleases).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: 'component:default/payments', status: 'failed' }),
    );
    expect(countReleases.mock.calls[0][0]).not.toHaveProperty('cursor');
  });

  it('pages forward and back with a stack of cursors', async () => {
    const listReleases = pagedApi();
    await renderHistory({ listReleases });
    expect(await screen.findByText('1.1.0')).toBeInTheDocument();
    expect(lastQuery(listReleases)).toEqual(
      expect.objectContaining({ entityRef: 'component:default/payments', limit: 25, cursor: undefined }),
    );
    // the pager follows the first rows by a frame
    const newer = await screen.findByRole('button', { name: 'Newer' });
    const older = screen.getByRole('button', { name: 'Older' });
    expect(newer).toBeDisabled();

    await userEvent.click(older);
    expect(await screen.findByText('1.2.0')).toBeInTheDocument();
    expect(lastQuery(listReleases).cursor).toBe('p2');
    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    expect(await screen.findByText('1.3.0')).toBeInTheDocument();
    expect(screen.getByText('51–51')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();

    await userEvent.click(screen.getByRole('button', { name: 'Newer' }));
    expect(await screen.findByText('1.2.0')).toBeInTheDocument();
    expect(lastQuery(listReleases).cursor).toBe('p2');
    await userEvent.click(screen.getByRole('button', { name: 'Newer' }));
    expect(await screen.findByText('1.1.0')).toBeInTheDocument();
    expect(lastQuery(listReleases).cursor).toBeUndefined();
  });

  it('sends the filters to the server and starts again from the first page', async () => {
    const listReleases = pagedApi();
    await renderHistory({ listReleases });
    await screen.findByText('1.1.0');
    await userEvent.click(await screen.findByRole('button', { name: 'Older' }));
    await screen.findByText('1.2.0');

    await userEvent.click(screen.getByLabelText('Status'));
    await userEvent.click(await screen.findByRole('option', { name: 'Rolled back' }));
    await waitFor(() => expect(lastQuery(listReleases)).toEqual(expect.objectContaining({ status: 'rolled-back', cursor: undefined })));

    await userEvent.click(screen.getByLabelText('Environment'));
    await userEvent.click(await screen.findByRole('option', { name: 'production' }));
    await waitFor(() => expect(lastQuery(listReleases).environment).toBe('production'));

    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-01T08:30' } });
    await waitFor(() => expect(lastQuery(listReleases).from).toBe(new Date('2026-11-01T08:30').toISOString()));
    expect(screen.getByText('1–1')).toBeInTheDocument();
  });

  it('keeps filters and page in the URL, and opens the view a link describes', async () => {
    const listReleases = pagedApi();
    await renderHistory({ listReleases }, jest.fn(), '?release=r-7&status=failed&pages=p2');
    expect(await screen.findByText('1.2.0')).toBeInTheDocument();
    expect(lastQuery(listReleases)).toEqual(expect.objectContaining({ status: 'failed', cursor: 'p2' }));
    expect(await screen.findByText('26–26')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    await waitFor(() => expect(screen.getByLabelText('location')).toHaveTextContent('pages=p2%2Cp3'));
    await userEvent.click(screen.getByLabelText('Environment'));
    await userEvent.click(await screen.findByRole('option', { name: 'production' }));
    await waitFor(() =>
      expect(screen.getByLabelText('location')).toHaveTextContent('?release=r-7&status=failed&environment=production'),
    );
    expect(screen.getByLabelText('location')).not.toHaveTextContent('pages');
  });

  it('opens a release from its row', async () => {
    const onOpenRelease = jest.fn();
    await renderHistory({ listReleases: pagedApi() }, onOpenRelease);
    await userEvent.click(await screen.findByRole('button', { name: 'Open release 1.1.0 in production' }));
    expect(onOpenRelease).toHaveBeenCalledWith('r-1');
  });

  it('shows status, provenance and the commit link of each release', async () => {
    await renderHistory({
      listReleases: async () => ({
        items: [release({ status: 'rolled-back', rolledBackBy: ['r-9'], provenance: { status: 'unsigned' } })],
      }),
    });
    const row = (await screen.findByText('1.4.0')).closest('tr')!;
    expect(within(row).getByLabelText('Status: Rolled back')).toBeInTheDocument();
    expect(within(row).getByText(/rolled back by/)).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'r-9' })).toBeInTheDocument();
    expect(within(row).getByLabelText('Provenance: Unsigned')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: /^Commit / })).toHaveAttribute(
      'href',
      expect.stringContaining('https://github.com/acme/payments/commit/'),
    );
  });

  it('says no release was recorded when nothing is filtered, and that none matches when something is', async () => {
    await renderHistory({ listReleases: async () => ({ items: [] }) });
    expect(await screen.findByText('No release recorded yet.')).toBeInTheDocument();
    await userEvent.click(await screen.findByLabelText('Status'));
    await userEvent.click(await screen.findByRole('option', { name: 'Failed' }));
    expect(await screen.findByText('No release matches these filters.')).toBeInTheDocument();
  });

  it('links a rollback to the release it restores and to the one it undid, and copies digests', async () => {
    const onOpenRelease = jest.fn();
    const finishedAt = new Date(Date.now() - 5 * 60_000).toISOString();
    await renderHistory(
      {
        listReleases: async () => ({
          items: [
            release({
              id: 'r-9',
              version: '1.3.0',
              intent: 'rollback',
              finishedAt,
              actor: 'user:default/ada',
              restoredFrom: 'r-1',
            }),
          ],
        }),
      },
      onOpenRelease,
    );
    const row = (await screen.findByText('1.3.0')).closest('tr')!;
    expect(within(row).getByText('5 min ago')).toBeInTheDocument();
    const userSession = userEvent.setup();
    const writeText = jest.spyOn(navigator.clipboard, 'writeText');
    await userSession.click(within(row).getByRole('button', { name: `Copy digest ${DIGEST}` }));
    expect(writeText).toHaveBeenCalledWith(DIGEST);
    // Copying is not opening the row.
    expect(onOpenRelease).not.toHaveBeenCalled();
    expect(within(row).getByRole('link', { name: /ada/ })).toHaveAttribute('href', '/catalog/default/user/ada');
    await userEvent.click(within(row).getByRole('button', { name: 'r-1' }));
    expect(onOpenRelease).toHaveBeenCalledWith('r-1');
  });

  it('links actors the catalog knows as users, and leaves pipeline and system actors as text', async () => {
    const ada: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'ada' }, spec: {} };
    await renderHistory(
      {
        listReleases: async () => ({
          items: [
            release({ id: 'r-3', version: '1.3.0', actor: 'ada' }),
            release({ id: 'r-2', version: '1.2.0', actor: 'greenlight' }),
            release({ id: 'r-1', version: '1.1.0', actor: 'ci-bot' }),
          ],
        }),
      },
      jest.fn(),
      '',
      [ada],
    );
    const row = async (version: string) => (await screen.findByText(version)).closest('tr')!;
    expect(await within(await row('1.3.0')).findByRole('link', { name: 'ada' })).toHaveAttribute(
      'href',
      '/catalog/default/user/ada',
    );
    for (const [version, actor] of [
      ['1.2.0', 'greenlight'],
      ['1.1.0', 'ci-bot'],
    ]) {
      expect(within(await row(version)).getByText(actor)).toBeInTheDocument();
      expect(within(await row(version)).queryByRole('link', { name: actor })).not.toBeInTheDocument();
    }
  });

  it('is a table named after its title, whose rows open their release', async () => {
    const onOpenRelease = jest.fn();
    await renderHistory({ listReleases: pagedApi() }, onOpenRelease);
    const table = await screen.findByRole('table', { name: 'Release history' });
    expect(within(table).getAllByRole('columnheader').map(h => h.textContent)).toEqual([
      'When',
      'Environment',
      'Version',
      'Status',
      'Commit',
      'Provenance',
      'By',
    ]);
    await userEvent.click(within(table).getByText('production'));
    expect(onOpenRelease).toHaveBeenCalledWith('r-1');
  });

  it(`paints the first ${FIRST_PAINT_ROWS} rows first, then the rest of the page, keeping focus on a shown row`, async () => {
    // The browser's next frame is held until the test lets it come.
    const frames: FrameRequestCallback[] = [];
    const nextFrame = jest.spyOn(window, 'requestAnimationFrame').mockImplementation(callback => frames.push(callback));
    try {
      const page = (major: number) =>
        Array.from({ length: 25 }, (_, i) => release({ id: `r-${major}-${i}`, version: `${major}.${i}.0` }));
      await renderHistory({
        listReleases: async query => ({ items: page(query.cursor ? 4 : 3), nextCursor: 'p2' }),
      });
      const first = await screen.findByRole('button', { name: 'Open release 3.0.0 in production' });
      // Focused before the rest of the page arrives, as a quick keyboard user would.
      first.focus();
      const rowsShown = () => screen.getAllByRole('button', { name: /^Open release / }).length;
      expect(rowsShown()).toBe(FIRST_PAINT_ROWS);
      expect(screen.queryByRole('button', { name: 'Open release 3.10.0 in production' })).not.toBeInTheDocument();

      // Let every held frame come, including one asked for after this point. The other rows
      // arrive as an interruptible update that jsdom takes well over a second to render on a
      // busy machine, hence the longer wait.
      await waitFor(
        () => {
          act(() => frames.splice(0).forEach(frame => frame(performance.now())));
          expect(rowsShown()).toBe(25);
        },
        { timeout: 10_000 },
      );
      expect(first).toHaveFocus();

      // A later page renders whole at once, with no frame let through.
      await userEvent.click(screen.getByRole('button', { name: 'Older' }));
      await screen.findByRole('button', { name: 'Open release 4.0.0 in production' });
      expect(rowsShown()).toBe(25);
    } finally {
      nextFrame.mockRestore();
    }
  });

  it('shows errors and permission refusals', async () => {
    const denied = await responseError(403, 'not allowed to read releases');
    await renderHistory({
      listReleases: async () => {
        throw denied;
      },
    });
    expect(await screen.findByText('Permission required')).toBeInTheDocument();
    expect(screen.queryByText('Release history')).not.toBeInTheDocument();
  });
});
