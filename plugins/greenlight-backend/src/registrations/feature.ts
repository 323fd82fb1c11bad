import { GreenlightFeature } from '../context';
import { RegistrationStore } from './RegistrationStore';
import { registrationRoutes } from './routes';

/** Services registered by the scaffolder: environments, gates and expected provenance. */
export const registrationsFeature: GreenlightFeature = async ctx => {
  // The table comes with the plugin's migrations, which the ledger store has applied.
  const store = new RegistrationStore(ctx.knex);
  return registrationRoutes(ctx, store);
};
