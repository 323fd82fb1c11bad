import { DeliveryProfile } from '@greenlight/backstage-plugin-greenlight-common';

/** How a demo service's artifacts are signed, so every provenance verdict has an example. */
export type DemoSigning = 'trusted' | 'untrusted' | 'none' | 'tampered';

export type DemoService = {
  name: string;
  profile: DeliveryProfile;
  signing: DemoSigning;
};

/**
 * The demo organisation's services (examples/demo-org/services.yaml) and how each one
 * delivers: the payments team ships often and safely, checkout is middling, the platform
 * team ships rarely and fails more, so the teams land in different DORA tiers.
 */
export const DEMO_SERVICES: DemoService[] = [
  { name: 'payments-api', profile: 'elite', signing: 'trusted' },
  { name: 'ledger-service', profile: 'high', signing: 'trusted' },
  { name: 'fraud-scoring', profile: 'high', signing: 'untrusted' },
  { name: 'storefront-web', profile: 'medium', signing: 'trusted' },
  { name: 'cart-service', profile: 'medium', signing: 'tampered' },
  { name: 'checkout-service', profile: 'medium', signing: 'trusted' },
  { name: 'build-runner', profile: 'low', signing: 'none' },
  { name: 'deploy-controller', profile: 'low', signing: 'none' },
];

export const DEMO_BUILDER = 'https://github.com/actions/runner/github-hosted';
export const DEMO_REPOSITORY = (name: string) => `github.com/acme/${name}`;
