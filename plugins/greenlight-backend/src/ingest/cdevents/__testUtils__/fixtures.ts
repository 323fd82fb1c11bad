import fs from 'node:fs';
import path from 'node:path';

const FIXTURES = path.join(__dirname, '..', '__fixtures__');

export const SPEC_VERSIONS = ['v0.4.1', 'v0.5.1'] as const;
export type FixtureVersion = (typeof SPEC_VERSIONS)[number];

/** The conformance example file names of one spec version, e.g. `service_deployed.json`. */
export function fixtureNames(version: FixtureVersion): string[] {
  return fs
    .readdirSync(path.join(FIXTURES, version))
    .filter(name => name.endsWith('.json'))
    .sort();
}

/** A fresh copy of a conformance example, safe to modify. */
export function loadFixture(version: FixtureVersion, name: string): any {
  const file = name.endsWith('.json') ? name : `${name}.json`;
  return JSON.parse(
    fs.readFileSync(path.join(FIXTURES, version, file), 'utf8'),
  );
}

export const OCI_DIGEST =
  'sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427';
export const OCI_ARTIFACT_ID = `pkg:oci/myapp@${OCI_DIGEST.replace(
  ':',
  '%3A',
)}`;
