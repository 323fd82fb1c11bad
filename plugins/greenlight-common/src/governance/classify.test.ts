import { ChangeClass } from './classes';
import { mergePathRules, parseChangeClassesAnnotation } from './changeClassesAnnotation';
import { classifyChange, ClassificationRules, defaultClassificationRules } from './classify';
import { DEFAULT_LABEL_RULES, DEFAULT_PATH_RULES } from './defaults';

function rulesFor(annotation: string): ClassificationRules {
  const parsed = parseChangeClassesAnnotation(annotation);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return { paths: mergePathRules(DEFAULT_PATH_RULES, parsed.rules), labels: DEFAULT_LABEL_RULES };
}

describe('classifyChange by path', () => {
  it.each<[string, string[], ChangeClass[]]>([
    ['application code', ['src/payments/refund.ts'], ['code']],
    ['code in a nested package', ['services/api/internal/handler.go'], ['code']],
    ['a migration directory', ['db/migrate/20261101_add_column.rb'], ['database']],
    ['migrations at any depth', ['services/api/migrations/0042_add_index.py'], ['database']],
    ['a SQL file anywhere', ['src/queries/report.sql'], ['database']],
    ['a Prisma schema', ['prisma/schema.prisma'], ['database']],
    ['Alembic', ['app/alembic/versions/abc123_add.py'], ['database']],
    ['Flyway', ['src/main/resources/flyway/V2__add.sql'], ['database']],
    ['YAML under config/', ['config/production.yaml'], ['config']],
    ['Helm values', ['charts/payments/values-prod.yaml'], ['config']],
    ['k8s manifests', ['k8s/overlays/prod/deployment.yml'], ['config']],
    ['a dotenv file', ['.env.production'], ['config']],
    ['TOML under deploy/', ['deploy/app.toml'], ['config']],
    ['a TypeScript file under config/ is code', ['src/config/index.ts'], ['code']],
    ['a protobuf contract', ['api/payments/v1/payments.proto'], ['cross-service']],
    ['an OpenAPI document', ['openapi.yaml'], ['cross-service']],
    ['an AsyncAPI document', ['docs-api/asyncapi.yml'], ['cross-service']],
    ['a GraphQL schema', ['schema/schema.graphql'], ['cross-service']],
    ['auth code is code and security-sensitive', ['src/auth/session.ts'], ['code', 'security-sensitive']],
    ['JWT helpers', ['lib/jwtVerifier.ts'], ['code', 'security-sensitive']],
    ['OAuth client', ['src/oauthClient.ts'], ['code', 'security-sensitive']],
    ['crypto code', ['pkg/crypto/aes.go'], ['code', 'security-sensitive']],
    ['package.json is a supply-chain change', ['package.json'], ['code', 'security-sensitive']],
    ['a lockfile', ['yarn.lock'], ['code', 'security-sensitive']],
    ['go.mod', ['go.mod'], ['code', 'security-sensitive']],
    ['requirements files', ['requirements-dev.txt'], ['code', 'security-sensitive']],
    ['pom.xml', ['service/pom.xml'], ['code', 'security-sensitive']],
    ['Cargo.toml', ['Cargo.toml'], ['code', 'security-sensitive']],
    ['a Dockerfile base image', ['Dockerfile'], ['code', 'security-sensitive']],
    ['a pipeline definition is not code', ['.github/workflows/deploy.yml'], ['security-sensitive']],
    ['documentation only', ['README.md', 'docs/runbook.md'], []],
    ['an OpenAPI file under config/ is config and cross-service', ['config/openapi.yaml'], ['config', 'cross-service']],
    ['paths as Windows or ./ prefixed', ['.\\db\\seed.sql', './src/app.ts'], ['code', 'database']],
  ])('%s', (_name, changedFiles, expected) => {
    expect(classifyChange({ changedFiles }).classes).toEqual(expected);
  });

  it('puts one change in several classes and says which path put it where', () => {
    const result = classifyChange({
      changedFiles: [
        'src/refunds.ts',
        'db/migrations/0007_refunds.sql',
        'deploy/prod/app.yaml',
        'proto/refunds.proto',
        'package-lock.json',
        'README.md',
      ],
    });
    expect(result.classes).toEqual(['code', 'config', 'database', 'cross-service', 'security-sensitive']);
    expect(result.matches.find(m => m.class === 'code')!.paths).toEqual(['src/refunds.ts', 'package-lock.json']);
    expect(result.matches.find(m => m.class === 'database')!.paths).toEqual(['db/migrations/0007_refunds.sql']);
    expect(result.matches.find(m => m.class === 'security-sensitive')!.paths).toEqual(['package-lock.json']);
  });
});

describe('classifyChange by label and commit title', () => {
  it.each<[string, { labels?: string[]; commitTitles?: string[] }, ChangeClass[]]>([
    ['db-migration label', { labels: ['db-migration'] }, ['database']],
    ['security label, any case', { labels: ['Security'] }, ['security-sensitive']],
    ['breaking-api label', { labels: ['breaking-api'] }, ['cross-service']],
    ['unknown labels add nothing', { labels: ['good-first-issue'] }, []],
    ['a breaking conventional commit', { commitTitles: ['feat(api)!: drop v1 refunds'] }, ['cross-service']],
    ['BREAKING CHANGE in a title', { commitTitles: ['refactor: BREAKING CHANGE remove field'] }, ['cross-service']],
    ['a deps scope', { commitTitles: ['chore(deps): bump express to 4.21'] }, ['security-sensitive']],
    ['a dependency bot title', { commitTitles: ['Bump lodash from 4.17.20 to 4.17.21'] }, ['security-sensitive']],
    ['a db scope', { commitTitles: ['feat(db): add refunds table'] }, ['database']],
    ['a plain title', { commitTitles: ['fix: rounding of refunds'] }, []],
  ])('%s', (_name, change, expected) => {
    // paths are given so that "code" is not assumed; only labels and titles can add classes
    const result = classifyChange({ changedFiles: ['README.md'], ...change });
    expect(result.classes).toEqual(expected);
  });

  it('assumes code when no paths are given, together with label classes', () => {
    const result = classifyChange({ labels: ['db-migration'] });
    expect(result.classes).toEqual(['code', 'database']);
    expect(result.matches[0].assumed).toMatch(/no changed paths/);
    expect(classifyChange({}).classes).toEqual(['code']);
  });
});

describe('per-entity globs', () => {
  it.each<[string, string, string[], ChangeClass[]]>([
    ['adds a schema directory to database', 'database=schema/**', ['schema/tables.rb'], ['database']],
    ['adds to several classes at once', 'database=schema/**;config=settings/*.py', ['schema/a.rb', 'settings/prod.py'], ['config', 'database']],
    ['keeps the defaults of the class', 'database=schema/**', ['db/migrate/1.rb'], ['database']],
    ['excludes a default that misfires', 'database=!src/queries/**', ['src/queries/report.sql'], ['code']],
    ['ignores fixtures for code', 'ignore=fixtures/**', ['fixtures/sample.json'], []],
    ['forces code for a path in another class', 'code=config/generated/*.json', ['config/generated/routes.json'], ['code', 'config']],
    ['new lines separate entries', 'database=schema/**\nsecurity-sensitive=vault/**', ['vault/policy.hcl'], ['code', 'security-sensitive']],
  ])('%s', (_name, annotation, changedFiles, expected) => {
    expect(classifyChange({ changedFiles }, rulesFor(annotation)).classes).toEqual(expected);
  });

  it('leaves the defaults alone when an entity has no annotation', () => {
    expect(classifyChange({ changedFiles: ['schema/tables.rb'] }, defaultClassificationRules()).classes).toEqual(['code']);
  });
});

describe('parseChangeClassesAnnotation', () => {
  it('parses classes, globs and exclusions', () => {
    expect(parseChangeClassesAnnotation(' database = db/** , migrations/** ; config=deploy/**,!deploy/tmp/** ')).toEqual({
      ok: true,
      rules: {
        database: { include: ['db/**', 'migrations/**'], exclude: [] },
        config: { include: ['deploy/**'], exclude: ['deploy/tmp/**'] },
      },
    });
  });

  it.each([
    ['an unknown class', 'databse=db/**', /unknown class "databse"/],
    ['an entry without =', 'db/**', /not class=glob/],
    ['a class without globs', 'database=', /has no globs/],
    ['an empty exclusion', 'database=!', /empty "!" glob/],
  ])('reports %s', (_name, value, message) => {
    const result = parseChangeClassesAnnotation(value);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.join('; ')).toMatch(message);
  });
});
