import { SignInPage } from '@backstage/core-components';
import type { SignInPageProps } from '@backstage/plugin-app-react';

/** The demo portal's sign-in: the guest provider of the auth backend. */
export function GuestSignInPage(props: SignInPageProps) {
  return <SignInPage {...props} providers={['guest']} />;
}
