import { Config } from '@backstage/config';

export type OpsgenieSettings = {
  headerName: string;
  tokens: string[];
  environment: string;
};

const HEADER_NAME = /^[A-Za-z0-9-]{1,100}$/;

/** The source's settings, or undefined when `greenlight.sources.opsgenie` is not configured. */
export function readOpsgenieSettings(
  config: Config,
): OpsgenieSettings | undefined {
  const block = config.getOptionalConfig('greenlight.sources.opsgenie');
  if (!block) return undefined;
  const headerName = block.getString('headerName');
  if (!HEADER_NAME.test(headerName)) {
    throw new Error(
      'greenlight.sources.opsgenie.headerName must be an HTTP header name (letters, digits, dashes)',
    );
  }
  const value = block.get('headerValue');
  const tokens = (Array.isArray(value) ? value : [value]).map(String);
  if (tokens.length === 0 || tokens.some(t => t.length < 16)) {
    throw new Error(
      'greenlight.sources.opsgenie.headerValue must be one or more values of at least 16 characters',
    );
  }
  return {
    headerName: headerName.toLowerCase(),
    tokens,
    environment: block.getOptionalString('environment') ?? 'production',
  };
}
