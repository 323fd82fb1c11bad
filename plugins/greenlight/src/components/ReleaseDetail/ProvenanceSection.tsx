import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { ArtifactProvenance, ArtifactVerdict, greenlightApiRef, Release } from '../../api';
import { formatDateTime } from '../../lib/format';
import { githubRepositoryUrl } from '../../lib/repository';
import { useDeliveryRefresh } from '../../hooks/useDeliveryRefresh';
import { CommitLink, CopyValueButton, isNotFound, LoadError, ProvenanceBadge, StatusChip } from '../common';
import { Facts } from './Facts';

const DETERMINISM_TEXT = {
  reproduced: 'Reproduced: independent builds of the same commit and inputs gave the same digest.',
  'non-reproducible': 'Not reproducible: builds of the same commit and inputs gave different digests.',
  'single-build': 'Built once: no independent build to compare with.',
};

function strongestVerified(artifact?: ArtifactProvenance): ArtifactVerdict | undefined {
  return (artifact?.attestations ?? [])
    .flatMap(a => a.verdicts)
    .filter(v => v.status === 'verified')
    .sort((a, b) => (b.slsaLevel ?? -1) - (a.slsaLevel ?? -1))[0];
}

function signerOf(verdict?: ArtifactVerdict, fallback?: string) {
  if (verdict?.identity) return `${verdict.identity.subject} (${verdict.identity.issuer})`;
  if (verdict?.keyIds?.length) return verdict.keyIds.join(', ');
  return verdict?.keyId ?? fallback;
}

function Source(props: { repository?: string; commit?: string }) {
  if (!props.repository) return null;
  const url = githubRepositoryUrl(props.repository);
  return (
    <>
      {url ? <Link to={url}>{props.repository}</Link> : props.repository}
      {props.commit && (
        <>
          {' @ '}
          <CommitLink sha={props.commit} repository={props.repository} />
        </>
      )}
    </>
  );
}

/** Who built the release's artifact, from what, and how far that is proven. */
export function ProvenanceSection(props: { release: Release }) {
  const api = useApi(greenlightApiRef);
  const digest = props.release.artifact?.digest;
  // Verification can finish while the drawer is open: reload with the Delivery tab.
  const tick = useDeliveryRefresh();
  const { value, loading, error } = useAsync(
    async () => (digest ? api.getArtifact(digest) : undefined),
    [api, digest, tick],
  );
  if (!digest) return <Typography variant="body2">No artifact was recorded for this release.</Typography>;
  // A reload keeps what is shown, so the drawer neither jumps nor loses focus.
  if (loading && !value) return <Progress />;
  const missing = error && isNotFound(error);
  if (error && !missing) return <LoadError error={error} what="this artifact's provenance" />;

  // The artifact answer is fresher than the summary attached to the release page.
  const summary = value?.summary ?? props.release.provenance;
  const verified = strongestVerified(value);
  const status = summary?.status;
  const subjects = (verified?.subjects ?? []).flatMap(s =>
    Object.entries(s.digest).map(([alg, hex]) => `${s.name ? `${s.name} ` : ''}${alg}:${hex}`),
  );
  return (
    <>
      {summary && <ProvenanceBadge provenance={summary} />}
      {missing && !summary && (
        <Typography variant="body2">Greenlight holds no provenance for {digest}.</Typography>
      )}
      <Facts
        label="Provenance"
        rows={[
          [
            'Artifact',
            <span key="d">
              <code>{digest}</code>
              <CopyValueButton value={digest} what="digest" />
            </span>,
          ],
          ['Reason', status !== 'verified' ? summary?.reason : undefined],
          ['Builder', verified?.builderId ?? summary?.builderId],
          ['Build type', verified?.buildType],
          [
            'Source',
            <Source
              key="s"
              repository={verified?.sourceRepository ?? summary?.sourceRepository}
              commit={verified?.sourceCommit ?? summary?.sourceCommit}
            />,
          ],
          ['SLSA level', (verified?.slsaLevel ?? summary?.slsaLevel)?.toString()],
          ['Signer', signerOf(verified, summary?.signer)],
          ['Verified', verified?.verifiedAt || summary?.verifiedAt ? formatDateTime(verified?.verifiedAt ?? summary?.verifiedAt) : undefined],
          [
            'Subject digests',
            subjects.length ? (
              <span key="sub">
                {subjects.map(s => (
                  <code key={s} style={{ display: 'block' }}>
                    {s}
                  </code>
                ))}
              </span>
            ) : undefined,
          ],
          ['Determinism', value?.determinism ? DETERMINISM_TEXT[value.determinism.status] : undefined],
        ]}
      />
      {value && value.attestations.length > 0 && (
        <List dense aria-label="Attestations">
          {value.attestations.flatMap((a, index) =>
            (a.verdicts.length ? a.verdicts : [undefined]).map((v, vIndex) => (
              <ListItem key={`${a.id ?? index}-${v?.verifier ?? vIndex}`} disableGutters>
                <ListItemText
                  primary={
                    <>
                      {v ? <StatusChip status={v.status} prefix="Attestation" /> : 'Not verified yet'}{' '}
                      {a.mediaType ?? 'attestation'}
                      {v?.verifier && v.verifier !== 'greenlight' ? ` (verifier ${v.verifier})` : ''}
                      {v?.current === false ? ' (trust policy changed; re-verification pending)' : ''}
                    </>
                  }
                  secondary={v?.reason ?? v?.predicateType}
                />
              </ListItem>
            )),
          )}
        </List>
      )}
      {value && value.builds.length > 0 && (
        <List dense aria-label="Builds">
          {value.builds.map((b, index) => (
            <ListItem key={b.id ?? index} disableGutters>
              <ListItemText
                primary={
                  <>
                    Build {b.url && b.id ? <Link to={b.url}>{b.id}</Link> : b.id ?? ''}
                    {b.id && <CopyValueButton value={b.id} what="build id" />}
                    {b.status ? ` · ${b.status}` : ''}
                  </>
                }
                secondary={[b.builderId, b.commitSha && `commit ${b.commitSha.slice(0, 7)}`, b.finishedAt && formatDateTime(b.finishedAt)]
                  .filter(Boolean)
                  .join(' · ')}
              />
            </ListItem>
          ))}
        </List>
      )}
    </>
  );
}
