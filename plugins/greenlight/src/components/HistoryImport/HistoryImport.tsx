import { useApi } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { greenlightApiRef } from '../../api';

/** The fields of a history import's progress this line reads; others are ignored. */
type ImportProgress = {
  phase?: string;
  deploymentsDone?: number;
  deploymentsTotal?: number;
  finishedAt?: string;
};

const PHASES: Record<string, string> = {
  pulls: 'reading merged pull requests',
  deployments: 'listing deployments',
  ingest: 'writing deployments',
};

/**
 * One line saying where importing this entity's history from a source stands, read from
 * `GET /v1/sources`. It shows nothing when no source reports progress for the entity, or
 * when the list cannot be read: the releases below stay the page's content.
 */
export function HistoryImport(props: { entityRef: string }) {
  const api = useApi(greenlightApiRef);
  const { value } = useAsync(async () => {
    if (!api.listSources) return [];
    const key = props.entityRef.toLocaleLowerCase('en-US');
    const sources = await api.listSources().catch(() => []);
    return sources.flatMap(source =>
      source.progress
        .filter(p => p.key === key && typeof p.value === 'object' && p.value)
        .map(p => ({ source: source.id, progress: p.value as ImportProgress })),
    );
  }, [api, props.entityRef]);
  if (!value?.length) return null;
  return (
    <>
      {value.map(({ source, progress }) => (
        <Typography key={source} variant="body2" color="textSecondary">
          {describe(source, progress)}
        </Typography>
      ))}
    </>
  );
}

function describe(source: string, p: ImportProgress): string {
  const done = p.deploymentsDone ?? 0;
  const total = p.deploymentsTotal;
  if (p.phase === 'done') {
    const when = p.finishedAt ? ` on ${p.finishedAt.slice(0, 10)}` : '';
    return `History import from ${source}: finished${when}, ${done} deployments.`;
  }
  const phase = PHASES[p.phase ?? ''] ?? p.phase ?? 'running';
  const count = total !== undefined ? `, ${done} of ${total} deployments` : '';
  return `History import from ${source}: ${phase}${count}.`;
}
