import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/**
 * Replaces the app's default sign-in page with the same page, loaded on its own.
 *
 * Backstage's default sign-in page loads `@backstage/core-components` whole (a dynamic
 * import of the package's index: its data table, date pickers, drag and drop, YAML and form
 * libraries, about 230 kB compressed) and every page waits for that before it signs in. A
 * named import in a module of its own lets the bundler keep only the sign-in page, so
 * sign-in starts as soon as the app has started and the rest of core-components loads beside
 * it, when a page needs it.
 */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: {
        loader: () => import('./GuestSignInPage').then(m => m.GuestSignInPage),
      },
    }),
  ],
});
