import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';

/** The ledger record an event describes; events of one subject fold into one row. */
export function subjectKeyOf(event: GreenlightEvent): string {
  switch (event.type) {
    case 'build':
      return `build:${event.build.id}`;
    case 'artifact':
      return `artifact:${event.artifact.digest}`;
    case 'deployment.started':
    case 'deployment.finished':
      return `deployment:${event.deployment.id}`;
    case 'commits':
      return `commits:${event.id}`;
    case 'incident.opened':
    case 'incident.resolved':
      return `incident:${event.incident.id}`;
    case 'test.run':
      return `test:${event.testRun.id}`;
    default:
      throw new Error(`unknown event type ${(event as { type: string }).type}`);
  }
}

/** When the event happened at its source, in epoch ms. */
export function eventTimeOf(event: GreenlightEvent, receivedAt: number): number {
  const candidates: Array<string | undefined> = [event.time];
  switch (event.type) {
    case 'build':
      candidates.push(event.build.finishedAt, event.build.startedAt);
      break;
    case 'artifact':
      candidates.push(event.artifact.createdAt);
      break;
    case 'deployment.started':
    case 'deployment.finished':
      candidates.push(event.deployment.finishedAt, event.deployment.startedAt);
      break;
    case 'incident.opened':
    case 'incident.resolved':
      candidates.push(event.incident.resolvedAt, event.incident.detectedAt);
      break;
    case 'test.run':
      candidates.push(event.testRun.finishedAt, event.testRun.startedAt);
      break;
    default:
      break;
  }
  const found = candidates.find(Boolean);
  return found ? Date.parse(found) : receivedAt;
}
