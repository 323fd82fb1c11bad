import { Typography } from '@material-ui/core';
import VerifiedIcon from '@material-ui/icons/VerifiedUser';
import WarningIcon from '@material-ui/icons/Warning';
import ErrorIcon from '@material-ui/icons/Error';
import HelpIcon from '@material-ui/icons/HelpOutline';
import { ProvenanceStatus, ProvenanceSummary } from '../../api';
import { Tone, ToneChip } from './ToneChip';

const LOOK: Record<ProvenanceStatus, { label: string; tone: Tone; icon: JSX.Element; meaning: string }> = {
  verified: {
    label: 'Verified',
    tone: 'good',
    icon: <VerifiedIcon />,
    meaning: 'A trusted signer attests that a trusted builder built this artifact from the expected source.',
  },
  unsigned: {
    label: 'Unsigned',
    tone: 'warn',
    icon: <WarningIcon />,
    meaning: 'No attestation was received for this artifact.',
  },
  invalid: {
    label: 'Invalid',
    tone: 'bad',
    icon: <ErrorIcon />,
    meaning: 'An attestation for this artifact failed verification.',
  },
  unverifiable: {
    label: 'Unverifiable',
    tone: 'neutral',
    icon: <HelpIcon />,
    meaning: 'Attestations exist but none could be checked with the configured trust.',
  },
};

export const provenanceLabel = (status: ProvenanceStatus) => LOOK[status].label;

/** The artifact's provenance verdict, with the reason on hover. */
export function ProvenanceBadge(props: { provenance?: Pick<ProvenanceSummary, 'status' | 'reason' | 'builderId' | 'slsaLevel'> }) {
  const { provenance } = props;
  if (!provenance) return null;
  const look = LOOK[provenance.status] ?? LOOK.unverifiable;
  const details = [
    provenance.reason,
    provenance.builderId && `Builder: ${provenance.builderId}`,
    provenance.slsaLevel !== undefined && `SLSA level ${provenance.slsaLevel}`,
  ].filter(Boolean);
  return (
    <ToneChip
      label={look.label}
      tone={look.tone}
      icon={look.icon}
      ariaLabel={`Provenance: ${look.label}${provenance.reason ? ` (${provenance.reason})` : ''}`}
      tooltip={
        <>
          <Typography variant="body2">{look.meaning}</Typography>
          {details.map(line => (
            <Typography variant="caption" component="div" key={String(line)}>
              {line}
            </Typography>
          ))}
        </>
      }
    />
  );
}
