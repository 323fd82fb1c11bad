import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { groupEntity } from '../../__testUtils__/fixtures';
import {
  renderForEntity,
  responseError,
} from '../../__testUtils__/renderForEntity';
import type { DoraReviewSignOff, GreenlightApi } from '../../api';
import { DoraSignOff } from './DoraSignOff';

const WINDOW = {
  from: '2026-09-01T00:00:00.000Z',
  to: '2026-12-01T00:00:00.000Z',
};

function render(
  api: Partial<GreenlightApi>,
  allowed = true,
  groupRef = 'group:default/team-a',
) {
  return renderForEntity(
    <DoraSignOff
      groupRef={groupRef}
      window={WINDOW}
      windowLabel="1 Sep – 30 Nov"
    />,
    {
      api,
      entity: groupEntity,
      allowed: name => allowed || name !== 'greenlight.dora.review.signoff',
    },
  );
}

describe('DoraSignOff', () => {
  it('signs off the window on screen with the notes, and lists it', async () => {
    const signed: DoraReviewSignOff[] = [];
    const signOffDoraReview = jest.fn(
      async (request: {
        groupRef: string;
        notes: string;
        window: typeof WINDOW;
      }) => {
        const s = {
          id: 's1',
          signedBy: 'user:default/ada',
          signedAt: '2026-12-01T12:00:00.000Z',
          ...request,
        };
        signed.unshift(s);
        return s;
      },
    );
    await render({
      listDoraSignOffs: async () => [...signed],
      signOffDoraReview,
    });
    expect(
      await screen.findByText(
        "Nobody has signed off this team's DORA review yet.",
      ),
    ).toBeInTheDocument();
    const button = screen.getByRole('button', { name: 'Sign off review' });
    expect(button).toBeDisabled();
    await userEvent.type(
      screen.getByLabelText(/Notes on 1 Sep – 30 Nov/),
      'Recovery time halved; keep the canaries.',
    );
    await userEvent.click(button);
    expect(signOffDoraReview).toHaveBeenCalledWith({
      groupRef: 'group:default/team-a',
      notes: 'Recovery time halved; keep the canaries.',
      window: WINDOW,
    });
    expect(
      await screen.findByText(/Signed off by user:default\/ada/),
    ).toHaveTextContent('2026-09-01 – 2026-12-01');
    expect(
      screen.getByText('Recovery time halved; keep the canaries.'),
    ).toBeInTheDocument();
  });

  it('shows why the backend refused', async () => {
    const signOffDoraReview = jest.fn(async () => {
      throw await responseError(
        403,
        'greenlight.dora.review.signoff is not granted on group:default/team-a',
      );
    });
    await render({ listDoraSignOffs: async () => [], signOffDoraReview });
    await userEvent.type(
      await screen.findByLabelText(/Notes on/, {}, { timeout: 10_000 }),
      'x',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Sign off review' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /is not granted on group:default\/team-a/,
    );
  });
  it('says who may sign off instead of offering the form', async () => {
    // another group: usePermission keeps its answers per permission and resource for the run
    await render(
      { listDoraSignOffs: async () => [] },
      false,
      'group:default/team-b',
    );
    expect(
      await screen.findByText(/Only the team's members and release managers/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Sign off review' }),
    ).not.toBeInTheDocument();
  });
});
