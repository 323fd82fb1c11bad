import { z } from 'zod';
import { reject } from '../outcome';
import { Mapper, readContent, reference, subjectFields } from './mapperKit';
import { testOutcome } from './specVersions';

const testSuiteRunContent = z.object({
  outcome: z.string().min(1),
  environment: reference.optional(),
  testSuite: z
    .object({
      id: z.string().min(1),
      name: z.string().optional(),
    })
    .optional(),
});

/**
 * testsuiterun.finished → test.run. A cancelled suite produced no verdict, which the
 * native model calls `skipped`. `testSuite.uri` points at the suite's definition, not
 * this run, so it is not the run's url. The run links to no build, commit or artifact in
 * v0.4/v0.5; `customData.commitSha` is the only way to tie it to a release.
 */
export const mapTestSuiteRunFinished: Mapper = ({ event, hints, version }) => {
  const read = readContent(testSuiteRunContent, event);
  if (!read.ok) return read.translation;
  const { environment, testSuite } = read.content;
  const outcome = testOutcome(version, read.content.outcome);
  if (!outcome) {
    return reject(
      'subject.content.outcome',
      `unknown test outcome "${read.content.outcome}"`,
    );
  }
  return {
    events: [
      {
        type: 'test.run',
        time: event.context.timestamp,
        ...subjectFields(hints, {}),
        testRun: {
          id: event.subject.id,
          suite: testSuite?.name || testSuite?.id || event.subject.id,
          outcome,
          commitSha: hints.commitSha,
          environment: environment?.id,
          finishedAt: event.context.timestamp,
        },
      },
    ],
  };
};
