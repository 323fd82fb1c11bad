import { z } from 'zod';
import { EventDraft, ignore, Translation } from '../outcome';
import { PackageUrl, parsePurl, purlDigest } from '../purl';
import { normalizeRepository } from '../repository';
import { changeCommitKey } from './changes';
import { isGitSha } from './customData';
import {
  Mapper,
  MapperInput,
  readContent,
  reference,
  subjectFields,
} from './mapperKit';
import { signatureAttestation } from './signature';

type ArtifactDraft = Extract<EventDraft, { type: 'artifact' }>;

/** The artifact event for a purl, or why there can't be one: the ledger keys artifacts by digest. */
export function artifactDraft(
  input: MapperInput,
  purl: PackageUrl | undefined,
  artifactId: string,
  extra: Partial<ArtifactDraft['artifact']> = {},
): ArtifactDraft | string {
  if (!purl) return `artifact id ${artifactId} is not a package URL`;
  const digest = purlDigest(purl);
  if (!digest) {
    return `artifact ${purl.unversioned} is not pinned to a content digest (expected a version like sha256:…)`;
  }
  return {
    type: 'artifact',
    time: input.event.context.timestamp,
    ...subjectFields(input.hints, { purl, repository: extra.repository }),
    artifact: {
      digest,
      name: purl.name,
      purl: artifactId,
      commitSha: input.hints.commitSha,
      ...extra,
    },
  };
}

function single(draft: ArtifactDraft | string): Translation {
  return typeof draft === 'string' ? ignore(draft) : { events: [draft] };
}

const packagedContent = z.object({ change: reference.optional() });

/** A change id that is a SHA is the commit; any other is known by its commit key. */
function commitOfChange(
  change: { id: string; source?: string },
  eventSource: string,
): string {
  if (isGitSha(change.id)) return change.id;
  return changeCommitKey({
    id: change.id,
    source: change.source ?? eventSource,
  });
}

/**
 * artifact.packaged: `change` names the change the artifact was built from. Its id is
 * usually a pull request: the artifact's commit is the change's commit key (see
 * `changeCommitKey`), or the id itself when it is a SHA. Its source becomes the
 * repository when it names one.
 */
export const mapArtifactPackaged: Mapper = input => {
  const read = readContent(packagedContent, input.event);
  if (!read.ok) return read.translation;
  const change = read.content.change;
  const repository = change?.source
    ? normalizeRepository(change.source)
    : undefined;
  const changeSha =
    change && commitOfChange(change, input.event.context.source);
  const draft = artifactDraft(
    input,
    parsePurl(input.event.subject.id),
    input.event.subject.id,
    {
      createdAt: input.event.context.timestamp,
      commitSha: input.hints.commitSha ?? changeSha,
      repository,
    },
  );
  return single(draft);
};

export const mapArtifactPublished: Mapper = input =>
  single(
    artifactDraft(
      input,
      parsePurl(input.event.subject.id),
      input.event.subject.id,
    ),
  );

const signedContent = z.object({ signature: z.string().min(1) });

export const mapArtifactSigned: Mapper = input => {
  const read = readContent(signedContent, input.event);
  if (!read.ok) return read.translation;
  const artifactId = input.event.subject.id;
  const draft = artifactDraft(input, parsePurl(artifactId), artifactId);
  if (typeof draft === 'string') return ignore(draft);
  return {
    events: [
      {
        ...draft,
        attestations: [
          signatureAttestation(read.content.signature, artifactId),
        ],
      },
    ],
  };
};
