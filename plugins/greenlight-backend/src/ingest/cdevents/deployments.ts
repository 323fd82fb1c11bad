import { z } from 'zod';
import { ignore } from '../outcome';
import { purlDigest } from '../purl';
import {
  Mapper,
  optionalPurl,
  readContent,
  reference,
  subjectFields,
} from './mapperKit';
import { cdeventIdentity } from './identity';

const serviceContent = z.object({
  environment: reference,
  artifactId: z.string().min(1),
});

/**
 * service.deployed / upgraded / rolledback: the environment now runs `artifactId`.
 *
 * CDEvents reports these once the change is done, so each is a finished deployment
 * whose id is the event's identity, `<id>@<source>`. A rollback is a deployment that succeeded with intent
 * `rollback`: the ledger's `rolled-back` status belongs to the deployment being
 * undone, which CDEvents does not identify.
 */
function deploymentMapper(intent?: 'rollback'): Mapper {
  return ({ event, hints }) => {
    const read = readContent(serviceContent, event);
    if (!read.ok) return read.translation;
    const { environment, artifactId } = read.content;
    const purl = optionalPurl(artifactId);
    const digest = purl && purlDigest(purl);
    return {
      events: [
        {
          type: 'deployment.finished',
          time: event.context.timestamp,
          ...subjectFields(hints, { serviceId: event.subject.id, purl }),
          deployment: {
            id: cdeventIdentity(event.context),
            environment: environment.id,
            artifactDigest: digest,
            version: digest ? purl?.qualifiers.tag : purl?.version,
            commitSha: hints.commitSha,
            strategy: hints.strategy,
            status: 'succeeded',
            finishedAt: event.context.timestamp,
            sourceSystem: event.context.source,
            intent: intent ?? hints.intent,
          },
        },
      ],
    };
  };
}

export const mapServiceDeployed = deploymentMapper();
export const mapServiceUpgraded = deploymentMapper();
export const mapServiceRolledBack = deploymentMapper('rollback');

export const mapServiceRemoved: Mapper = () =>
  ignore(
    'service.removed takes a service out of an environment; Greenlight has no native event for decommissioning',
  );
