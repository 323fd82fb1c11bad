import { Grid } from '@material-ui/core';
import { EnvironmentsStrip } from '../EnvironmentsStrip';

/** The entity page's Delivery tab. */
export function DeliveryContent() {
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <EnvironmentsStrip />
      </Grid>
    </Grid>
  );
}
