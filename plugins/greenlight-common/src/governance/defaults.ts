import { ChangeClass, PathRuleName } from './classes';

const CONFIG_EXTENSIONS = '{yaml,yml,json,toml,ini,env}';

/**
 * Where common repository layouts keep each kind of change. Globs match the path from the
 * repository root (`**` crosses directories, dotfiles included).
 *
 * Dependency manifests, lockfiles, container base images and pipeline definitions are
 * `security-sensitive`: they change what is built and who builds it, the supply chain.
 *
 * @public
 */
export const DEFAULT_PATH_RULES: Record<PathRuleName, readonly string[]> = {
  code: [],
  database: [
    '**/migrations/**',
    '**/*.sql',
    'db/**',
    '**/prisma/schema.prisma',
    '**/alembic/**',
    '**/flyway/**',
    '**/liquibase/**',
  ],
  config: [
    `**/config/**/*.${CONFIG_EXTENSIONS}`,
    `**/deploy/**/*.${CONFIG_EXTENSIONS}`,
    `**/helm/**/*.${CONFIG_EXTENSIONS}`,
    `**/k8s/**/*.${CONFIG_EXTENSIONS}`,
    '**/.env*',
    '**/values*.{yaml,yml}',
  ],
  'cross-service': [
    '**/*.proto',
    '**/openapi*.{yaml,yml,json}',
    '**/swagger*.{yaml,yml,json}',
    '**/asyncapi*.{yaml,yml}',
    '**/*.graphql',
    '**/*.graphqls',
    '**/*.avsc',
  ],
  'security-sensitive': [
    '**/auth/**',
    '**/crypto/**',
    '**/security/**',
    '**/*jwt*',
    '**/*oauth*',
    '**/*oauth*/**',
    // dependency manifests and lockfiles
    '**/package.json',
    '**/package-lock.json',
    '**/npm-shrinkwrap.json',
    '**/yarn.lock',
    '**/pnpm-lock.yaml',
    '**/go.mod',
    '**/go.sum',
    '**/requirements*.txt',
    '**/Pipfile',
    '**/Pipfile.lock',
    '**/poetry.lock',
    '**/pyproject.toml',
    '**/pom.xml',
    '**/build.gradle',
    '**/build.gradle.kts',
    '**/gradle.lockfile',
    '**/Cargo.toml',
    '**/Cargo.lock',
    '**/Gemfile',
    '**/Gemfile.lock',
    '**/composer.json',
    '**/composer.lock',
    '**/*.csproj',
    '**/packages.lock.json',
    '**/Dockerfile*',
    // pipeline definitions
    '.github/workflows/**',
    '**/.gitlab-ci.yml',
    '**/Jenkinsfile',
  ],
  ignore: [
    '**/*.md',
    '**/*.mdx',
    'docs/**',
    '**/LICENSE*',
    '**/CODEOWNERS',
    '**/.gitignore',
    '.github/**',
    '**/.gitlab-ci.yml',
    '**/Jenkinsfile',
    '.circleci/**',
    '.buildkite/**',
    '**/catalog-info.yaml',
  ],
};

/**
 * Change labels (pull request labels) that put a change in a class, compared without case.
 *
 * @public
 */
export const DEFAULT_LABEL_RULES: Record<ChangeClass, readonly string[]> = {
  code: [],
  config: ['config', 'config-change', 'configuration'],
  database: ['db-migration', 'database', 'migration', 'schema-change'],
  'cross-service': ['breaking-api', 'breaking-change', 'api-change', 'contract'],
  'security-sensitive': ['security', 'auth', 'crypto', 'dependencies', 'supply-chain'],
};
