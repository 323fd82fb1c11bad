import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Button } from '@material-ui/core';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useState } from 'react';
import { DoraQuery, greenlightApiRef } from '../../api';

/** Saves text as a file through a temporary object URL. */
export function downloadText(text: string, filename: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  URL.revokeObjectURL(url);
}

/**
 * Fetches the CSV through the API client, so it carries the reader's credentials
 * (a plain link to the backend would not), then saves it.
 */
export function CsvExportButton(props: { query: DoraQuery; filename: string }) {
  const api = useApi(greenlightApiRef);
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  const exportCsv = async () => {
    setBusy(true);
    try {
      downloadText(await api.getDoraCsv(props.query), props.filename, 'text/csv;charset=utf-8');
    } catch (e) {
      const error = e as Error;
      alertApi.post({
        message: `Could not export CSV: ${ResponseError.is(error) ? error.cause.message : error.message}`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant="outlined" startIcon={<GetAppIcon />} onClick={exportCsv} disabled={busy}>
      {busy ? 'Exporting…' : 'Export CSV'}
    </Button>
  );
}
