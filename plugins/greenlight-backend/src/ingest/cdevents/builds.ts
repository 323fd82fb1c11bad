import { z } from 'zod';
import { EventDraft, ignore } from '../outcome';
import { parsePurl } from '../purl';
import { artifactDraft } from './artifacts';
import { absoluteUrl, Mapper, readContent, subjectFields } from './mapperKit';
import { runLink, runStatus } from './specVersions';

const buildContent = z.object({ artifactId: z.string().optional() });

/**
 * build.finished: v0.4/v0.5 carry no outcome, only the artifact produced. A build that
 * produced an artifact succeeded; without one the status must come from
 * `customData.outcome`, or the event is ignored rather than guessed. A pinned artifact
 * also becomes an artifact event linked to the build.
 */
export const mapBuildFinished: Mapper = input => {
  const { event, hints } = input;
  const read = readContent(buildContent, event);
  if (!read.ok) return read.translation;
  const artifactId = read.content.artifactId || undefined;
  const status = hints.outcome
    ? runStatus(hints.outcome)
    : artifactId && 'succeeded';
  if (!status) {
    return ignore(
      'build.finished carries no artifact and no customData.outcome, so its result is unknown',
    );
  }
  const events: EventDraft[] = [
    {
      type: 'build',
      time: event.context.timestamp,
      ...subjectFields(hints, {}),
      build: {
        id: event.subject.id,
        commitSha: hints.commitSha,
        builder: event.context.source,
        status,
        finishedAt: event.context.timestamp,
      },
    },
  ];
  if (artifactId && status === 'succeeded') {
    const artifact = artifactDraft(input, parsePurl(artifactId), artifactId, {
      buildId: event.subject.id,
    });
    if (typeof artifact !== 'string') events.push(artifact);
  }
  return { events };
};

const pipelineRunContent = z.object({
  pipelineName: z.string().optional(),
  outcome: z.string().optional(),
});

/**
 * pipelinerun.finished → build. Many CDEvents producers (Tekton, Jenkins) emit pipeline
 * runs and no build events, so this is their only CI signal. The pipeline name is the
 * build's definition (`buildType`); the builder is the system that ran it, which
 * CDEvents identifies as `context.source`. Cancelled runs neither pass nor fail.
 */
export const mapPipelineRunFinished: Mapper = ({ event, hints, version }) => {
  const read = readContent(pipelineRunContent, event);
  if (!read.ok) return read.translation;
  const { pipelineName, outcome } = read.content;
  const raw = outcome ?? hints.outcome;
  const status = raw ? runStatus(raw) : undefined;
  if (!status) {
    return ignore(
      raw
        ? `pipeline run outcome "${raw}" is neither a success nor a failure`
        : 'pipelinerun.finished carries no outcome',
    );
  }
  return {
    events: [
      {
        type: 'build',
        time: event.context.timestamp,
        ...subjectFields(hints, {}),
        build: {
          id: event.subject.id,
          url: absoluteUrl(runLink(version, event.subject.content)),
          commitSha: hints.commitSha,
          builder: event.context.source,
          buildType: pipelineName || undefined,
          status,
          finishedAt: event.context.timestamp,
        },
      },
    ],
  };
};
