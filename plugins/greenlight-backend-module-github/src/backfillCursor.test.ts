import { mockServices } from '@backstage/backend-test-utils';
import type { IngestionSourceContext } from '@greenlight/backstage-plugin-greenlight-node';
import { backfillEntity, BackfillCursor, stateKeys } from './backfill';
import { GithubApi } from './GithubApi';
import {
  FakeGithub,
  generatedRepository,
  startFakeGithub,
} from './__testUtils__/fakeGithub';

const TOKEN = 'ghp_cursor-test-token';
const FULL_NAME = 'acme/checkout';
const ENTITY = 'component:default/checkout';
const DAY = 24 * 3_600_000;

/** Source state in memory, with the conditional write compared as JSON like the backend's. */
function memoryState() {
  const values = new Map<string, string>();
  const read = (key: string) => {
    const text = values.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  };
  const state: IngestionSourceContext['state'] = {
    get: async key => read(key),
    set: async (key, value) => {
      values.set(key, JSON.stringify(value ?? null));
    },
    compareAndSet: async (key, expected, value) => {
      if (JSON.stringify(read(key)) !== JSON.stringify(expected)) return false;
      values.set(key, JSON.stringify(value ?? null));
      return true;
    },
    update: async () => {
      throw new Error('not used by the backfill');
    },
    list: async () => [],
  };
  return state;
}

describe('the backfill cursor', () => {
  let github: FakeGithub;

  beforeAll(async () => {
    github = await startFakeGithub(
      generatedRepository({
        fullName: FULL_NAME,
        deployments: 4,
        newest: Date.now() - DAY,
        spacingMs: DAY,
      }),
      { token: TOKEN },
    );
  });

  afterAll(() => github.close());

  it('stops, leaving the cursor alone, when another run moved it meanwhile', async () => {
    const state = memoryState();
    const cursor: BackfillCursor = {
      repository: `github.com/${FULL_NAME}`,
      since: new Date(Date.now() - 90 * DAY).toISOString(),
      startedAt: new Date().toISOString(),
      phase: 'pulls',
      pages: 0,
      index: 0,
    };
    // The run that took over has already written its own cursor.
    const theirs = { ...cursor, phase: 'ingest', index: 3 };
    await state.set(stateKeys.cursor(ENTITY), theirs);
    const context = {
      logger: mockServices.logger.mock(),
      findEntities: async () => [],
      ingest: async () => ({ accepted: 0, duplicates: 0 }),
      state,
    } as IngestionSourceContext;
    const api = new GithubApi({
      apiBaseUrl: github.url,
      headers: async () => ({ Authorization: `Bearer ${TOKEN}` }),
      requestsPerHour: 5000,
      etags: state,
    });

    await expect(
      backfillEntity({
        entityRef: ENTITY,
        fullName: FULL_NAME,
        cursor,
        stored: undefined,
        context,
        api,
      }),
    ).rejects.toThrow(/another run moved the backfill/);
    expect(await state.get(stateKeys.cursor(ENTITY))).toEqual(theirs);
    expect(await state.get(stateKeys.progress(ENTITY))).toBeUndefined();
  });
});
