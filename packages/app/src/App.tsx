import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [catalogPlugin, greenlightPlugin, navModule, signInModule],
});
