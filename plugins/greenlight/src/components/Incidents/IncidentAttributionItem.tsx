import {
  Box,
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import type {
  IncidentAttributionRequest,
  UnattributedIncident,
} from '../../api';
import { formatDateTime, shortDigest } from '../../lib/format';

/** One unattributed incident: its candidates with their evidence, and the two decisions. */
export function IncidentAttributionItem(props: {
  incident: UnattributedIncident;
  canAttribute: boolean;
  busy: boolean;
  onDecide: (request: IncidentAttributionRequest) => void;
}) {
  const { incident, canAttribute, busy } = props;
  const [note, setNote] = useState('');
  const headingId = `greenlight-incident-${incident.id}`;
  const withNote = <T extends object>(request: T) =>
    note.trim() ? { ...request, note: note.trim() } : request;

  return (
    <Box
      component="section"
      aria-labelledby={headingId}
      mb={3}
      data-incident={incident.id}
    >
      <Typography variant="h6" component="h3" id={headingId}>
        {incident.title ?? incident.id}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        {[
          incident.severity && `Severity ${incident.severity}`,
          `detected ${formatDateTime(incident.detectedAt)}`,
          incident.resolvedAt &&
            `resolved ${formatDateTime(incident.resolvedAt)}`,
          incident.environment && `in ${incident.environment}`,
        ]
          .filter(Boolean)
          .join(' · ')}
      </Typography>
      {incident.candidates.length === 0 ? (
        <Typography variant="body2">
          No deployment ran in its environment or was deployed shortly before
          it, and it names none.
        </Typography>
      ) : (
        <Table
          size="small"
          aria-label={`Candidate deployments for ${
            incident.title ?? incident.id
          }`}
        >
          <TableHead>
            <TableRow>
              <TableCell>Deployment</TableCell>
              <TableCell>Evidence</TableCell>
              {canAttribute && <TableCell>Decision</TableCell>}
            </TableRow>
          </TableHead>
          <TableBody>
            {incident.candidates.map(c => (
              <TableRow key={c.deploymentId} data-candidate={c.deploymentId}>
                <TableCell>
                  <Typography variant="body2">{c.deploymentId}</Typography>
                  <Typography variant="caption" color="textSecondary">
                    {[
                      c.version,
                      c.artifactDigest && shortDigest(c.artifactDigest),
                      c.environment,
                      formatDateTime(c.time),
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </Typography>
                </TableCell>
                <TableCell>
                  <ul style={{ margin: 0, paddingLeft: 16 }}>
                    {c.evidence.map(e => (
                      <li key={`${e.kind}-${e.detail}`}>
                        <Typography variant="body2">{e.detail}</Typography>
                      </li>
                    ))}
                  </ul>
                </TableCell>
                {canAttribute && (
                  <TableCell>
                    <Button
                      variant="outlined"
                      size="small"
                      disabled={busy}
                      onClick={() =>
                        props.onDecide(
                          withNote({ deploymentId: c.deploymentId }),
                        )
                      }
                    >
                      Caused by this deployment
                    </Button>
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {canAttribute && (
        <Box display="flex" alignItems="flex-end" mt={1} style={{ gap: 16 }}>
          <TextField
            id={`greenlight-note-${incident.id}`}
            label="Note"
            helperText="Why, for the audit log and the team"
            value={note}
            onChange={e => setNote(e.target.value)}
            inputProps={{ maxLength: 1000 }}
            size="small"
            style={{ flexGrow: 1 }}
          />
          <Button
            variant="outlined"
            size="small"
            disabled={busy}
            onClick={() =>
              props.onDecide(withNote({ notCausedByChange: true as const }))
            }
          >
            Not caused by a change
          </Button>
        </Box>
      )}
    </Box>
  );
}
