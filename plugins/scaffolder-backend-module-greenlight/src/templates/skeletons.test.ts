import fs from 'node:fs/promises';
import path from 'node:path';
import { filesUnder, templatesDir } from '../__testUtils__/dryRun';

/** Files both flavours ship: the service, its build and deploy scripts, its SLO. */
const SHARED = [
  'cmd/server/main.go',
  'cmd/server/metrics.go',
  'cmd/server/metrics_test.go',
  'deploy/rollout.sh',
  'go.mod',
  'scripts/build.sh',
  'scripts/greenlight-rollout.mjs',
  'scripts/package-image.sh',
  'slo.yaml',
];

describe('the two governed-service skeletons', () => {
  it('share the service, its scripts and its SLO word for word', async () => {
    const github = path.join(templatesDir, 'github-governed-service/skeleton');
    const gitlab = path.join(templatesDir, 'gitlab-governed-service/skeleton');
    const gitlabFiles = await filesUnder(gitlab);
    const both = (await filesUnder(github)).filter(f => gitlabFiles.includes(f));
    expect(both).toEqual(expect.arrayContaining(SHARED));
    for (const file of SHARED) {
      const [a, b] = await Promise.all([
        fs.readFile(path.join(github, file), 'utf8'),
        fs.readFile(path.join(gitlab, file), 'utf8'),
      ]);
      expect({ file, same: a === b }).toEqual({ file, same: true });
    }
  });

  it('keep scripts executable', async () => {
    for (const flavour of ['github-governed-service', 'gitlab-governed-service']) {
      for (const file of ['scripts/build.sh', 'scripts/package-image.sh', 'deploy/rollout.sh']) {
        const { mode } = await fs.stat(path.join(templatesDir, flavour, 'skeleton', file));
        expect({ flavour, file, executable: (mode & 0o111) !== 0 }).toEqual({ flavour, file, executable: true });
      }
    }
  });
});
