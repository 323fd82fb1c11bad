import { greenlightEventSchema } from '@greenlight/backstage-plugin-greenlight-common';
import {
  fixtureNames,
  loadFixture,
  SPEC_VERSIONS,
} from './__testUtils__/fixtures';
import { parseCdeventsRequest } from './request';

/**
 * The outcome every conformance example must have, by `<subject>_<predicate>` file
 * name. Upstream's placeholder values decide some of these: the artifact examples use
 * a Go purl with no digest, and the change example has no commit SHA.
 */
const EXPECTED: Record<string, string[] | 'ignored'> = {
  artifact_deleted: 'ignored',
  artifact_downloaded: 'ignored',
  artifact_packaged: 'ignored',
  artifact_published: 'ignored',
  artifact_signed: 'ignored',
  branch_created: 'ignored',
  branch_deleted: 'ignored',
  build_finished: ['build', 'artifact'],
  build_queued: 'ignored',
  build_started: 'ignored',
  change_abandoned: 'ignored',
  change_created: 'ignored',
  change_merged: ['commits'], // the change under its commit key, no SHA needed
  change_reviewed: 'ignored',
  change_updated: 'ignored',
  environment_created: 'ignored',
  environment_deleted: 'ignored',
  environment_modified: 'ignored',
  incident_detected: ['incident.opened'],
  incident_reported: ['incident.opened'],
  incident_resolved: ['incident.resolved'],
  pipelinerun_finished: ['build'],
  pipelinerun_queued: 'ignored',
  pipelinerun_started: 'ignored',
  repository_created: 'ignored',
  repository_deleted: 'ignored',
  repository_modified: 'ignored',
  service_deployed: ['deployment.finished'],
  service_published: 'ignored',
  service_removed: 'ignored',
  service_rolledback: ['deployment.finished'],
  service_upgraded: ['deployment.finished'],
  taskrun_finished: 'ignored',
  taskrun_started: 'ignored',
  testcaserun_finished: 'ignored',
  testcaserun_queued: 'ignored',
  testcaserun_skipped: 'ignored',
  testcaserun_started: 'ignored',
  testoutput_published: 'ignored',
  testsuiterun_finished: ['test.run'],
  testsuiterun_queued: 'ignored',
  testsuiterun_started: 'ignored',
  ticket_closed: 'ignored',
  ticket_created: 'ignored',
  ticket_updated: 'ignored',
};

const translate = (body: unknown) =>
  parseCdeventsRequest({
    headers: { 'content-type': 'application/json' },
    body,
  });

describe.each(SPEC_VERSIONS)('CDEvents %s conformance examples', version => {
  const names = fixtureNames(version);

  it('has an expected outcome for every example, and every expectation an example', () => {
    expect(names.map(n => n.replace('.json', '')).sort()).toEqual(
      Object.keys(EXPECTED).sort(),
    );
  });

  it.each(names)('accepts %s with the expected outcome', name => {
    const fixture = loadFixture(version, name);
    const [result, ...rest] = translate(fixture);
    expect(rest).toHaveLength(0);
    const expected = EXPECTED[name.replace('.json', '')];
    expect(result.eventId).toBe(fixture.context.id);
    expect(result.cdeventType).toBe(fixture.context.type);
    const events = result.outcome === 'mapped' ? result.events : [];
    // Mapped results are summarised by their native types, the rest by their outcome.
    const summary =
      result.outcome === 'mapped' ? events.map(e => e.type) : result.outcome;
    expect(summary).toEqual(expected);
    // The first mapped event carries the CloudEvents identity (source, id).
    expect(events.slice(0, 1).map(e => e.id)).toEqual(
      events.length ? [`${fixture.context.id}@${fixture.context.source}`] : [],
    );
    for (const event of events) {
      expect(greenlightEventSchema.parse(event)).toEqual(event);
    }
  });

  it('accepts all examples at once, in order', () => {
    const results = translate(names.map(name => loadFixture(version, name)));
    expect(results.map(r => r.index)).toEqual(names.map((_, i) => i));
    expect(results.filter(r => r.outcome === 'invalid')).toEqual([]);
  });
});

describe('CDEvents v0.4 and v0.5', () => {
  // The examples differ only where the spec changed (version field, subject.type,
  // url → uri, test outcome words), so both must yield the same native events.
  it.each(fixtureNames('v0.5.1'))('map %s identically', name => {
    const [v4] = translate(loadFixture('v0.4.1', name));
    const [v5] = translate(loadFixture('v0.5.1', name));
    const strip = ({ cdeventType: _type, ...rest }: Record<string, unknown>) =>
      rest;
    expect(strip(v4)).toEqual(strip(v5));
  });
});
