/**
 * The source of GitHub webhook deliveries: their event ids are `github:<id>`. One webhook
 * secret may sign many repositories' deliveries, so what they may write is bound by the
 * sending repository (`service/repositoryBinding.ts`, `database/projectionWriter.ts`).
 */
export const GITHUB_WEBHOOK_SOURCE = 'github';
